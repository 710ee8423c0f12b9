package probe

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotQuiet means the target did not answer MainHandler promptly again
// within the patience WaitQuiet was given.
var ErrNotQuiet = errors.New("the target did not drain")

// quietPause is the pause between two MainHandler requests of WaitQuiet.
const quietPause = 50 * time.Millisecond

// WaitQuiet waits until the target of o answers MainHandler within limit
// times times in a row: a loop that was blocked has worked through its
// queue, so the next measurement does not start behind the last one's
// leftovers. It sends one request at a time, every quietPause, with o's
// headers, timeout and client, and gives up after patience with
// ErrNotQuiet, or at once when a request fails at the connection level
// (the target is gone).
func WaitQuiet(ctx context.Context, o Options, limit time.Duration, times int, patience time.Duration) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o = o.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, patience)
	defer cancel()
	s := newSender(ctx, &o)
	defer s.close()
	inRow, last := 0, "never answered"
	for {
		sent := time.Now()
		status, err := s.do(Main)
		took := time.Since(sent)
		switch {
		case ctx.Err() != nil && errors.Is(context.Cause(ctx), context.DeadlineExceeded):
			return fmt.Errorf("%w within %s: GET %s %s", ErrNotQuiet, patience, RedactURLs(o.MainURL), last)
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && Classify(err) != ErrTimeout:
			return fmt.Errorf("GET %s: %s (%v)", RedactURLs(o.MainURL), Classify(err), scrub(err.Error(), o.secrets()))
		case err == nil && status >= 200 && status < 300 && took <= limit:
			if inRow++; inRow == times {
				return nil
			}
		default:
			inRow, last = 0, fmt.Sprintf("last took %s (status %d)", took.Round(time.Microsecond), status)
		}
		wait := time.NewTimer(quietPause)
		select {
		case <-ctx.Done():
			wait.Stop()
		case <-wait.C:
		}
	}
}
