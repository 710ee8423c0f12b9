package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// reportFileMode is the mode of a new report file; an existing file keeps
// its own.
const reportFileMode fs.FileMode = 0o644

// WriteFileAtomic writes a file at path through write, so that readers see
// either the old file or the complete new one, never a torn write: the data
// goes to a temporary file in the same directory, which is synced and then
// renamed over path. On error path is left untouched and the temporary file
// is removed.
//
// A path that is a symbolic link is written where the link leads, and the
// link stays: renaming over the link itself would replace it with a file
// (-o /dev/stdout, with stdout redirected to a file, replaced the machine's
// /dev/stdout and left the redirected file empty).
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	mode := reportFileMode
	if info, statErr := os.Stat(path); statErr == nil {
		if !info.Mode().IsRegular() {
			return fmt.Errorf("write %s: not a regular file", path)
		}
		mode = info.Mode().Perm()
	}
	shown := path
	if path, err = followLinks(path); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close() // already closed on the paths that get this far
			_ = os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", shown, err)
	}
	return nil
}

// CheckWritable reports early whether a file can be written at path: its
// directory exists, is a directory, and accepts new files. A run calls it
// before measuring so that a bad --output fails fast, not after the run.
func CheckWritable(path string) error {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return fmt.Errorf("output %s is not a regular file", path)
	}
	resolved, err := followLinks(path)
	if err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	dir := filepath.Dir(resolved)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("output directory %s does not exist: %w", dir, err)
	case err != nil:
		return fmt.Errorf("output directory %s: %w", dir, err)
	case !info.IsDir():
		return fmt.Errorf("output directory %s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".blockprobe-check-*")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	closeErr := f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("output directory %s: remove probe file: %w", dir, err)
	}
	if closeErr != nil {
		return fmt.Errorf("output directory %s: %w", dir, closeErr)
	}
	return nil
}

// followLinks returns where path leads through symbolic links, whether or
// not the last of them names a file that exists yet.
func followLinks(path string) (string, error) {
	for range 40 { // Linux's limit
		info, err := os.Lstat(path)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return "", errors.New("too many levels of symbolic links")
}
