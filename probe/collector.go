package probe

import "sync"

// collectorBuffer is how many finished records may wait for the collector:
// enough for a burst of a few hundred milliseconds at the highest rate, so
// a slow observer (a results file on a slow disk) delays the aggregation,
// not the requests.
const collectorBuffer = 1 << 15

// collector aggregates a run's records on one goroutine of its own, as
// vegeta and hey do: requests hand over their record and go on, with no
// lock shared between them, and the observers (progress bars, the results
// stream) are told off the request path, one record at a time, in the
// order the records were handed over.
type collector struct {
	in       chan Record
	done     chan struct{}
	stopOnce sync.Once

	// Owned by the collecting goroutine until done is closed.
	tally      *tally
	records    []Record
	maxRecords int
	dropped    int
	observer   Observer
}

func newCollector(o Options) *collector {
	c := &collector{
		in:         make(chan Record, collectorBuffer),
		done:       make(chan struct{}),
		tally:      newTally(o),
		maxRecords: o.MaxRecords,
		observer:   o.Observer,
	}
	go c.collect()
	return c
}

// add hands rec over; it blocks only when collectorBuffer records wait.
func (c *collector) add(rec Record) { c.in <- rec }

// stop waits for every record handed over to be aggregated. Nothing may be
// added after it; calling it again does nothing.
func (c *collector) stop() {
	c.stopOnce.Do(func() { close(c.in) })
	<-c.done
}

func (c *collector) collect() {
	defer close(c.done)
	for rec := range c.in {
		c.tally.add(rec)
		if len(c.records) < c.maxRecords {
			c.records = append(c.records, rec)
		} else {
			c.dropped++
		}
		if c.observer != nil {
			c.observer.RequestDone(rec)
		}
	}
}
