// Package reportschema checks JSON documents against report.schema.json,
// the published contract of blockprobe's JSON report, for the tests of
// every package that writes one.
package reportschema

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Path is where report.schema.json is: the root of the module.
var Path = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "report.schema.json")
}()

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open(Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Path, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // "started" must be a date-time, not any string
	if err := c.AddResource(Path, doc); err != nil {
		return nil, err
	}
	return c.Compile(Path)
})

// Validate checks that doc, a JSON report or comparison ({"runs": [...]}),
// is what report.schema.json describes.
func Validate(doc []byte) error {
	sch, err := compiled()
	if err != nil {
		return fmt.Errorf("compile the report schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}
