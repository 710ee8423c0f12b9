// Package kubernetes holds the manifests of examples/kubernetes. Its test
// decodes them strictly into the Kubernetes API types, so that a misspelt
// or misplaced field fails here rather than in a cluster, and checks what
// the README promises of them. It is a module of its own so that the
// Kubernetes API does not become a dependency of blockprobe.
package kubernetes

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// documents splits a YAML file into its documents.
func documents(t *testing.T, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) > 0 {
			out = append(out, doc)
		}
	}
	return out
}

// decode decodes every document of name strictly into the type its kind
// names: an unknown field, or a field of the wrong type, fails.
func decode(t *testing.T, name string) []any {
	t.Helper()
	var out []any
	for i, doc := range documents(t, name) {
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("%s, document %d: %v", name, i+1, err)
		}
		var obj any
		switch meta.APIVersion + " " + meta.Kind {
		case "batch/v1 Job":
			obj = &batchv1.Job{}
		case "v1 PersistentVolumeClaim":
			obj = &corev1.PersistentVolumeClaim{}
		case "v1 ConfigMap":
			obj = &corev1.ConfigMap{}
		default:
			t.Fatalf("%s, document %d: %q of %q: no type to check it against", name, i+1, meta.Kind, meta.APIVersion)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			t.Fatalf("%s, document %d (%s): %v", name, i+1, meta.Kind, err)
		}
		out = append(out, obj)
	}
	return out
}

func TestStrictDecodingCatchesAMisspeltField(t *testing.T) {
	doc := []byte("apiVersion: batch/v1\nkind: Job\nspec:\n  completionMode: NonIndexed\n  paralelism: 3\n")
	if err := yaml.UnmarshalStrict(doc, &batchv1.Job{}); err == nil || !strings.Contains(err.Error(), "paralelism") {
		t.Errorf("a misspelt field decoded without the error that names it: %v", err)
	}
}

func TestShardJob(t *testing.T) {
	objs := decode(t, "job.yaml")
	job, ok := objs[0].(*batchv1.Job)
	if !ok {
		t.Fatalf("job.yaml starts with %T, want the Job", objs[0])
	}
	s := job.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("completionMode %v, want Indexed: each pod must get its shard's index", s.CompletionMode)
	}
	if s.Completions == nil || s.Parallelism == nil || *s.Completions != *s.Parallelism {
		t.Fatalf("completions %v, parallelism %v: want them equal, every shard running at once", s.Completions, s.Parallelism)
	}
	c := s.Template.Spec.Containers[0]
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if got, want := env["BLOCKPROBE_SHARDS"].Value, strconv.Itoa(int(*s.Completions)); got != want {
		t.Errorf("BLOCKPROBE_SHARDS %q, want the Job's completions, %s", got, want)
	}
	args := strings.Join(c.Args, " ")
	for _, want := range []string{"run", "--target=", "--start-at=$(START_AT)", "--format=json", "--output=/reports/shard-$(SHARD_INDEX).json"} {
		if !strings.Contains(args, want) {
			t.Errorf("the shard's args %q lack %q", args, want)
		}
	}
	for _, name := range []string{"START_AT", "SHARD_INDEX"} {
		if _, ok := env[name]; !ok {
			t.Errorf("args use $(%s), which the container's env does not define", name)
		}
	}
	cpu := c.Resources.Requests[corev1.ResourceCPU]
	if limit := c.Resources.Limits[corev1.ResourceCPU]; cpu.IsZero() || !cpu.Equal(limit) {
		t.Errorf("cpu request %v, limit %v: a generator needs guaranteed cores (request = limit), or it is throttled and blames the target", &cpu, &limit)
	}
	if s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q: a shard restarted after --start-at would run a window of its own", s.Template.Spec.RestartPolicy)
	}
	if _, ok := objs[1].(*corev1.PersistentVolumeClaim); !ok {
		t.Errorf("job.yaml's second document is %T, want the reports' volume claim", objs[1])
	}
}

func TestMergeJob(t *testing.T) {
	job, ok := decode(t, "merge.yaml")[0].(*batchv1.Job)
	if !ok {
		t.Fatal("merge.yaml holds no Job")
	}
	script := strings.Join(job.Spec.Template.Spec.Containers[0].Args, " ")
	if !strings.Contains(script, "blockprobe merge /reports/shard-*.json") {
		t.Errorf("the merge step %q does not merge the shards' reports", script)
	}
}
