package report

// checkDocument checks what was read from a file before it is rendered.
func checkDocument(doc *Document) (*Document, error) {
	return doc, nil
}

// printableError is an error whose message is safe to print.
type printableError struct{ err error }

func (e printableError) Error() string { return e.err.Error() }
func (e printableError) Unwrap() error { return e.err }
