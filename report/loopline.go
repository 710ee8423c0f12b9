package report

import (
	"fmt"
	"strings"
)

// The phrases of a loop agent's figures, which every format says alike
// (the embedded target's are in phrase.go, the stalls' in loopstalls.go).

// AgentCommands are the command lines that run a server under a loop agent
// (agents/README.md), for a report that has none.
var AgentCommands = []string{
	"python3 agents/python/blockprobe_agent.py --port 9999 -- server.py ARGS",
	"BLOCKPROBE_AGENT=127.0.0.1:9999 node -r ./agents/node/blockprobe-agent.js server.js ARGS",
}

// agentLoopLine is LoopLine for a loop agent's figures: "Loop: slowest stall
// 1.00s in BlockingComplexHandler.get at examples/tornado/server.py:75
// `time.sleep(self.delay)`; lag p99 0.99s (max 1.00s); 3 stalls over 20ms;
// busy 45%".
func agentLoopLine(l *Loop) string {
	if !l.Answered() {
		return fmt.Sprintf("Loop: the loop agent at %s never answered, so no handler is named (%s)", l.Agent.URL, l.Lost)
	}
	var b strings.Builder
	th := ShortMs(l.ThresholdMs)
	if _, ok := l.SlowestStall(); ok {
		b.WriteString("Loop: slowest stall " + slowestStall(l, false))
	} else {
		b.WriteString("Loop: no stall over " + th)
	}
	if lag := LagPhrase(l); lag != "" {
		b.WriteString("; " + lag)
	}
	fmt.Fprintf(&b, "; %s over %s", plural(l.StallsOver, "stall"), th)
	if l.MissedStalls > 0 {
		fmt.Fprintf(&b, " (%d not read: the agent's ring let them go between polls)", l.MissedStalls)
	}
	fmt.Fprintf(&b, "; busy %.0f%%", l.BusyFraction*100)
	return b.String()
}

// AgentLine names the agent that gave l and how well its clock was known:
// "Loop agent: agent-python (CPython 3.11.2, tornado 6.2), pid 4242, at
// http://127.0.0.1:9999/debug/loop; clock offset +0.02ms ±0.15ms; 3 polls
// every 1s"; "" for the embedded target's figures.
func AgentLine(l *Loop) string {
	a := l.Agent
	if a == nil {
		return ""
	}
	if !l.Answered() {
		return ""
	}
	who := agentName(a)
	if a.Pid != 0 {
		who += fmt.Sprintf(", pid %d", a.Pid)
	}
	line := fmt.Sprintf("Loop agent: %s, at %s; clock offset %s ±%s; %s every %s",
		who, a.URL, signedMs(a.ClockOffsetMs), ShortMs(a.ClockUncertaintyMs), plural(a.Polls, "poll"), ShortMs(a.PollEveryMs))
	if a.FailedPolls > 0 {
		line += fmt.Sprintf(", %d unanswered", a.FailedPolls)
	}
	return line
}

// agentName names a loop agent by its source and runtime: "agent-python
// (CPython 3.11.2, tornado 6.2)".
func agentName(a *LoopAgent) string {
	if a.Runtime == "" {
		return a.Source
	}
	return a.Source + " (" + a.Runtime + ")"
}

// HeartbeatEveryMs is how often the embedded target's loop runs the
// heartbeat whose lateness is its lag (target.HeartbeatInterval).
const HeartbeatEveryMs = 10

// MeasuredBy says what measured l: "the embedded target's loop, by a
// heartbeat every 10ms and the time of each callback", "the loop agent
// agent-python (CPython 3.11.2, tornado 6.2) in the server, at
// http://127.0.0.1:9999/debug/loop", or for blockprobe serve read over
// HTTP, "blockprobe serve's embedded loop, at URL"; "" without figures.
func MeasuredBy(l *Loop) string {
	switch {
	case l == nil:
		return ""
	case l.Agent == nil:
		return fmt.Sprintf("the embedded target's loop, by a heartbeat every %dms and the time of each callback", HeartbeatEveryMs)
	case l.Agent.Source == SourceEmbedded:
		return "blockprobe serve's embedded loop, at " + l.Agent.URL
	}
	return "the loop agent " + agentName(l.Agent) + " in the server, at " + l.Agent.URL
}

// LagPhrase is the loop's lag, "lag p99 4.95s (max 4.99s)"; "" when nothing
// measured it, as with an agent that gave no lag histogram.
func LagPhrase(l *Loop) string {
	if l == nil || !l.Answered() || l.Agent != nil && l.Agent.Heartbeats == 0 {
		return ""
	}
	return fmt.Sprintf("lag p99 %s (max %s)", FormatMs(l.LagP99Ms), FormatMs(l.LagMaxMs))
}

// plural is "1 stall", "3 stalls".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// slowestStall is SlowestCallback for an agent's figures: "1.00s in
// BlockingComplexHandler.get at server.py:75 `time.sleep(self.delay)`";
// terse, "1.00s BlockingComplexHandler.get server.py:75"; "none over 20ms"
// without a stall.
func slowestStall(l *Loop, terse bool) string {
	s, ok := l.SlowestStall()
	switch {
	case !ok && terse:
		return "none>" + ShortMs(l.ThresholdMs)
	case !ok:
		return "none over " + ShortMs(l.ThresholdMs)
	case terse:
		return strings.TrimSpace(strings.Join([]string{FormatMs(s.DurationMs), StallWho(s), StallPlace(s, true)}, " "))
	}
	out := FormatMs(s.DurationMs)
	if c := StallCulprit(s); c != "" {
		out += " in " + c
	}
	if s.Ongoing {
		out += " (still running)"
	}
	return out
}

// LoopLines are the loop's lines of a report: the Loop line, the agent
// that gave it, and the longest stalls. (Without loop figures, a note says
// how to attach an agent: noLoopNote.)
func LoopLines(r *Report) []string {
	lines := LoopSummaryLines(r)
	if ListsStalls(r.Loop) {
		for _, s := range StallLines(r.Loop, MaxStallLines) {
			lines = append(lines, "  "+s)
		}
	}
	return lines
}

// LoopSummaryLines are LoopLines without the stalls: the Loop line and the
// agent that gave it, for a format that lists the stalls apart
// (StallTable).
func LoopSummaryLines(r *Report) []string {
	l := r.Loop
	if l == nil {
		return nil
	}
	lines := []string{LoopLine(l)}
	if line := AgentLine(l); line != "" {
		lines = append(lines, line)
	}
	return lines
}

// RunsLoopLines are the Loop line of each run that has loop figures, after
// its name, for runs side by side: "blocking: Loop: slowest callback 5.00s
// in ComplexHandler; ...". (A run without them has a note that says why.)
func RunsLoopLines(runs []*Report) []string {
	var lines []string
	for _, r := range runs {
		if r.Loop != nil {
			lines = append(lines, r.Name()+": "+LoopLine(r.Loop))
		}
	}
	return lines
}
