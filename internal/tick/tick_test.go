package tick

import (
	"testing"
	"time"
)

func TestWhileEndsWhenTheStepSaysSo(t *testing.T) {
	calls := 0
	start := time.Now()
	if !While(nil, time.Millisecond, func() bool { calls++; return calls < 3 }) {
		t.Error("While = false, want true: the step ended it")
	}
	if calls != 3 {
		t.Errorf("step called %d times, want 3", calls)
	}
	if took := time.Since(start); took < 3*time.Millisecond {
		t.Errorf("three steps took %v, want one interval each", took)
	}
}

func TestWhileEndsWhenStopped(t *testing.T) {
	stop := make(chan struct{})
	calls := 0
	time.AfterFunc(20*time.Millisecond, func() { close(stop) })
	done := make(chan bool)
	go func() { done <- While(stop, time.Millisecond, func() bool { calls++; return true }) }()
	select {
	case ok := <-done:
		if ok {
			t.Error("While = true, want false: stop ended it")
		}
		if calls == 0 {
			t.Error("step never called in 20 ms at 1 ms intervals")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("While went on after stop was closed")
	}
}
