// Command kube-validate reads Kubernetes manifests (`helm template` output, YAML documents) on standard
// input and decodes each into its Kubernetes API type with unknown fields refused, so a misspelt or
// misplaced field in a chart template fails instead of being dropped by the API server. It prints one
// JSON line per document: {"kind", "name", "checked", "error"}; it exits 1 when any document fails.
// Kinds without a type here (custom resources) are reported with checked=false.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// types maps "apiVersion kind" to a constructor of the Go type the API server decodes it into.
var types = map[string]func() any{
	"v1 ConfigMap":                       func() any { return &corev1.ConfigMap{} },
	"v1 Service":                         func() any { return &corev1.Service{} },
	"apps/v1 Deployment":                 func() any { return &appsv1.Deployment{} },
	"batch/v1 Job":                       func() any { return &batchv1.Job{} },
	"policy/v1 PodDisruptionBudget":      func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1 Ingress":       func() any { return &networkingv1.Ingress{} },
	"networking.k8s.io/v1 NetworkPolicy": func() any { return &networkingv1.NetworkPolicy{} },
}

type result struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Checked bool   `json:"checked"`
	Error   string `json:"error,omitempty"`
}

func main() {
	failed, err := validate(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kube-validate:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

func validate(in io.Reader, out io.Writer) (bool, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	encoder := json.NewEncoder(out)
	failed := false
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return failed, nil
		}
		if err != nil {
			return failed, err
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return failed, fmt.Errorf("not a YAML object: %w", err)
		}
		if head.Kind == "" {
			continue // a document of comments only
		}
		r := result{Kind: head.Kind, Name: head.Metadata.Name}
		if newObject, ok := types[head.APIVersion+" "+head.Kind]; ok {
			r.Checked = true
			if err := yaml.UnmarshalStrict(doc, newObject()); err != nil {
				r.Error = err.Error()
				failed = true
			}
		}
		if err := encoder.Encode(r); err != nil {
			return failed, err
		}
	}
}
