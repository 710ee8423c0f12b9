package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	errWrite := errors.New("disk on fire")
	tests := []struct {
		name     string
		old      string // content before, "" for no file
		write    func(io.Writer) error
		wantErr  error
		wantData string
	}{
		{"new file", "", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new"},
		{"replaces", "old", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new"},
		{"write error keeps the old file", "old", func(w io.Writer) error {
			_, _ = io.WriteString(w, "half")
			return errWrite
		}, errWrite, "old"},
		{"write error leaves no file", "", func(io.Writer) error { return errWrite }, errWrite, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "report.json")
			if tc.old != "" {
				if err := os.WriteFile(path, []byte(tc.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFileAtomic(path, tc.write)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("WriteFileAtomic error = %v, want %v", err, tc.wantErr)
			}
			data, readErr := os.ReadFile(path)
			switch {
			case tc.wantData == "" && !errors.Is(readErr, os.ErrNotExist):
				t.Errorf("file exists after a failed first write (%q, %v)", data, readErr)
			case tc.wantData != "" && string(data) != tc.wantData:
				t.Errorf("file holds %q, want %q (%v)", data, tc.wantData, readErr)
			}
			want := 0
			if tc.wantData != "" {
				want = 1
			}
			if names := dirEntries(t, dir); len(names) != want {
				t.Errorf("directory holds %q, want only the report (no temporary file)", names)
			}
			if tc.old != "" && runtime.GOOS != "windows" {
				info, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode().Perm() != 0o600 {
					t.Errorf("mode = %v, want the old file's 0600", info.Mode().Perm())
				}
			}
		})
	}
}

// TestWriteFileAtomicReaders checks that a reader never sees a torn file:
// while one write is in progress the old content is still in place.
func TestWriteFileAtomicReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "new, partly written"); err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if string(data) != "old" {
			return fmt.Errorf("during the write the file holds %q, want the old content", data)
		}
		_, err = io.WriteString(w, " and done")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "new, partly written and done" {
		t.Errorf("file holds %q after the write", data)
	}
}

func TestWriteFileAtomicMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "report.json")
	if err := WriteFileAtomic(path, func(io.Writer) error { return nil }); err == nil {
		t.Fatal("WriteFileAtomic into a missing directory succeeded")
	}
}

// A report written to a symbolic link lands where the link leads, and the
// link stays a link, whether its file exists yet or not.
func TestWriteFileAtomicThroughALink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "runs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprintf("file exists %v", existing), func(t *testing.T) {
			file := filepath.Join(dir, "runs", fmt.Sprintf("r%v.json", existing))
			link := filepath.Join(dir, fmt.Sprintf("link%v.json", existing))
			if existing {
				if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink(filepath.Join("runs", filepath.Base(file)), link); err != nil {
				t.Skip("no symbolic links here:", err)
			}
			if err := CheckWritable(link); err != nil {
				t.Fatalf("CheckWritable: %v", err)
			}
			write := func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
			if err := WriteFileAtomic(link, write); err != nil {
				t.Fatal(err)
			}
			if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("the link was replaced: %v %v", info.Mode(), err)
			}
			if b, err := os.ReadFile(file); err != nil || string(b) != "new" {
				t.Errorf("the linked file holds %q (%v), want the new report", b, err)
			}
		})
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr bool
	}{
		{"new file in a writable dir", filepath.Join(dir, "report.json"), false},
		{"existing file", file, false},
		{"missing dir", filepath.Join(dir, "missing", "report.json"), true},
		{"parent is a file", filepath.Join(file, "report.json"), true},
		{"path is a dir", dir, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckWritable(tc.path)
			if (err != nil) != tc.wantErr {
				t.Fatalf("CheckWritable(%q) = %v, want error: %v", tc.path, err, tc.wantErr)
			}
			if names := dirEntries(t, dir); len(names) != 1 || names[0] != "file" {
				t.Errorf("CheckWritable left files behind: %q", names)
			}
		})
	}
	t.Run("read-only dir", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("permissions are not enforced here")
		}
		ro := t.TempDir()
		if err := os.Chmod(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(ro, 0o755) })
		if err := CheckWritable(filepath.Join(ro, "report.json")); err == nil {
			t.Error("CheckWritable in a read-only directory succeeded")
		}
	})
}
