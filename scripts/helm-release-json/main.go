// Command helm-release-json reads a release JSON record on stdin and writes it back as Helm's
// json.Marshal would: the structs below carry the field names and omitempty rules of Helm's
// pkg/release/v1 and pkg/chart/v2 types, so tests can compare tarsctl's encoder byte for byte
// with Go's encoding/json. Standard library only (`go run main.go`).
//
// Helm 4 marks times `omitzero` (Go 1.24); pointers with omitempty give the same output on the
// older Go that Debian ships. Empty-string times, which Helm 3 wrote, read as unset as in Helm.
package main

import (
	"encoding/json"
	"io"
	"os"
	"time"
)

type release struct {
	Name        string                 `json:"name,omitempty"`
	Info        *info                  `json:"info,omitempty"`
	Chart       *chart                 `json:"chart,omitempty"`
	Config      map[string]interface{} `json:"config,omitempty"`
	Manifest    string                 `json:"manifest,omitempty"`
	Hooks       []*hook                `json:"hooks,omitempty"`
	Version     int                    `json:"version,omitempty"`
	Namespace   string                 `json:"namespace,omitempty"`
	ApplyMethod string                 `json:"apply_method,omitempty"`
}

type info struct {
	FirstDeployed    *time.Time `json:"first_deployed,omitempty"`
	LastDeployed     *time.Time `json:"last_deployed,omitempty"`
	Deleted          *time.Time `json:"deleted,omitempty"`
	Description      string     `json:"description,omitempty"`
	Status           string     `json:"status,omitempty"`
	RollbackRevision int        `json:"rollback_revision,omitempty"`
	Notes            string     `json:"notes,omitempty"`
}

type chart struct {
	Metadata  *metadata              `json:"metadata"`
	Lock      *lock                  `json:"lock"`
	Templates []*file                `json:"templates"`
	Values    map[string]interface{} `json:"values"`
	Schema    []byte                 `json:"schema"`
	Files     []*file                `json:"files"`
}

type file struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

type maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

type metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

type dependency struct {
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Repository   string        `json:"repository"`
	Condition    string        `json:"condition,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
	Enabled      bool          `json:"enabled,omitempty"`
	ImportValues []interface{} `json:"import-values,omitempty"`
	Alias        string        `json:"alias,omitempty"`
	DependsOn    []string      `json:"depends-on,omitempty"`
}

type lock struct {
	Generated    time.Time     `json:"generated"`
	Digest       string        `json:"digest"`
	Dependencies []*dependency `json:"dependencies"`
}

type hook struct {
	Name              string        `json:"name,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	Path              string        `json:"path,omitempty"`
	Manifest          string        `json:"manifest,omitempty"`
	Events            []string      `json:"events,omitempty"`
	LastRun           hookExecution `json:"last_run,omitempty"`
	Weight            int           `json:"weight,omitempty"`
	DeletePolicies    []string      `json:"delete_policies,omitempty"`
	OutputLogPolicies []string      `json:"output_log_policies,omitempty"`
}

type hookExecution struct {
	StartedAt   *time.Time `json:"started_at,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Phase       string     `json:"phase"`
}

// blankTimes drops "" time fields before decoding, as Helm's UnmarshalJSON does.
func blankTimes(data []byte, fields ...string) ([]byte, error) {
	var raw map[string]interface{}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	for _, f := range fields {
		if s, ok := raw[f].(string); ok && s == "" {
			delete(raw, f)
		}
	}
	return json.Marshal(raw)
}

func unzero(t **time.Time) {
	if *t != nil && (*t).IsZero() {
		*t = nil
	}
}

func (i *info) UnmarshalJSON(data []byte) error {
	cleaned, err := blankTimes(data, "first_deployed", "last_deployed", "deleted")
	if err != nil {
		return err
	}
	type plain info
	if err := json.Unmarshal(cleaned, (*plain)(i)); err != nil {
		return err
	}
	unzero(&i.FirstDeployed)
	unzero(&i.LastDeployed)
	unzero(&i.Deleted)
	return nil
}

func (h *hookExecution) UnmarshalJSON(data []byte) error {
	cleaned, err := blankTimes(data, "started_at", "completed_at")
	if err != nil {
		return err
	}
	type plain hookExecution
	if err := json.Unmarshal(cleaned, (*plain)(h)); err != nil {
		return err
	}
	unzero(&h.StartedAt)
	unzero(&h.CompletedAt)
	return nil
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		os.Exit(1)
	}
	var r release
	if err := json.Unmarshal(in, &r); err != nil {
		os.Stderr.WriteString("decode: " + err.Error() + "\n")
		os.Exit(1)
	}
	out, err := json.Marshal(&r)
	if err != nil {
		os.Stderr.WriteString("encode: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.Write(out)
}
