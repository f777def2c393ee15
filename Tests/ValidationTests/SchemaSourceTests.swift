import Foundation
import KubeClient
import Testing
@testable import Validation

/// Where schemas come from: the bundle's versions, kubeconform-style locations, CRDs.
@Suite struct SchemaSourceTests {
    static func objects(_ yaml: String) -> [ManifestDocument] {
        ManifestLoader.load(text: yaml, file: "in.yaml").documents
    }

    @Test func kindKeysFollowKubernetesValidate() {
        #expect(SchemaBundle.kindKey(apiVersion: "apps/v1", kind: "Deployment") == "deployment-apps-v1")
        #expect(SchemaBundle.kindKey(apiVersion: "v1", kind: "Service") == "service-v1")
        #expect(SchemaBundle.kindKey(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole") == "clusterrole-rbac-v1")
    }

    @Test func versionsPickTheNewestNotNewerThanAsked() throws {
        let b = try SchemaBundle.shipped()
        #expect(b.defaultVersion == "1.37")
        #expect(b.versionNames.first == "1.25" && b.versionNames.count == 13)
        #expect(try b.version(for: "v1.30.4").name == "1.30.0")
        #expect(throws: SchemaError.self) { try b.version(for: "1.4") }  // 1.4 < 1.25, compared as numbers
        #expect(throws: SchemaError.self) { try b.version(for: "1.24") }
        #expect(throws: SchemaError.self) { try b.version(for: "1.38") }
    }

    @Test func locationTemplatesExpandLikeKubeconform() {
        let dir = SchemaLocation("/schemas")
        #expect(dir.path(apiVersion: "apps/v1", kind: "Deployment", kubernetesVersion: "1.30.0", strict: true)
                == "/schemas/v1.30.0-standalone-strict/deployment-apps-v1.json")
        let catalog = SchemaLocation("/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json")
        #expect(catalog.path(apiVersion: "cert-manager.io/v1", kind: "Certificate", kubernetesVersion: "master", strict: false)
                == "/crds/cert-manager.io/certificate_v1.json")
        #expect(SchemaLocation("/s/{{.ResourceKind}}{{.KindSuffix}}.json").path(apiVersion: "v1", kind: "Pod", kubernetesVersion: "v1.29.1", strict: false)
                == "/s/pod-v1.json")
    }

    @Test func schemaLocationDirectoriesResolveDefinitionsInSiblingFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("schemas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(#"""
            {"type": "object", "required": ["spec"], "properties": {
              "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
              "spec": {"$ref": "_definitions.json#/definitions/example.Spec"}}}
            """#.utf8).write(to: dir.appendingPathComponent("gadget-example-v1.json"))
        try Data(#"""
            {"definitions": {
              "example.Spec": {"type": "object", "properties": {"port": {"$ref": "#/definitions/example.Port"}}},
              "example.Port": {"type": "integer", "maximum": 65535}}}
            """#.utf8).write(to: dir.appendingPathComponent("_definitions.json"))
        let location = dir.path + "/{{ .ResourceKind }}{{ .KindSuffix }}.json"
        let docs = Self.objects("apiVersion: example.io/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n  port: 70000\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
        let only = try SchemaCheck.validate(docs, options: SchemaOptions(schemaLocations: [location]))
        #expect(only.map(\.message) == [
            "spec.port: must be at most 65535, got 70000",
            "no schema for ConfigMap v1 (looked in \(dir.path)/configmap-v1.json); check apiVersion and kind, or pass --ignore-missing-schemas to skip such objects",
        ])
        #expect(only.first?.location.line == 5)
        // `default` adds the bundle after the directory.
        let both = try SchemaCheck.validate(docs, options: SchemaOptions(schemaLocations: [location, "default"]))
        #expect(both.map(\.message) == ["spec.port: must be at most 65535, got 70000"])
    }

    @Test func crdSchemasUseStructuralSemantics() throws {
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: things.example.com}
            spec:
              group: example.com
              names: {kind: Thing, plural: things}
              scope: Namespaced
              versions:
              - name: v1alpha1
                served: false
                storage: false
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          port: {x-kubernetes-int-or-string: true}
                          note: {type: string, nullable: true}
                          free: {type: object, x-kubernetes-preserve-unknown-fields: true}
            ---

            """
        let ok = Self.objects(crd + "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: {port: http, note: null, free: {a: 1}}\n")
        #expect(try SchemaCheck.validate(ok, options: SchemaOptions(strict: true)).isEmpty)
        let bad = Self.objects(crd + "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: {port: 1.5, nots: x}\n")
        #expect(try SchemaCheck.validate(bad, options: SchemaOptions(strict: true)).map(\.message).sorted() == [
            "spec.nots: unknown field \"nots\" (did you mean \"note\"?)",
            "spec.port: expected string or integer, got number 1.5",
        ])
        // A version that is not served has no schema.
        let unserved = Self.objects(crd + "apiVersion: example.com/v1alpha1\nkind: Thing\nmetadata: {name: t}\n")
        #expect(try SchemaCheck.validate(unserved, options: SchemaOptions()).first?.message.hasPrefix("no schema for Thing example.com/v1alpha1") == true)
    }

    @Test func clusterOpenAPIDocumentsTakePrecedence() throws {
        // The shape of a cluster's /openapi/v3/apis/example.io/v1 document, trimmed.
        let doc = try JSONParser.parse(#"""
            {"openapi": "3.0.0", "components": {"schemas": {
              "io.example.v1.Gizmo": {
                "type": "object", "required": ["spec"],
                "x-kubernetes-group-version-kind": [{"group": "example.io", "version": "v1", "kind": "Gizmo"}],
                "properties": {
                  "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                  "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]},
                  "spec": {"allOf": [{"$ref": "#/components/schemas/io.example.v1.GizmoSpec"}]}}},
              "io.example.v1.GizmoSpec": {"type": "object", "properties": {
                "port": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"}]},
                "cpu": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}]},
                "replicas": {"type": "integer", "format": "int32"}}},
              "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"type": "string", "format": "int-or-string"},
              "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string"},
              "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {"type": "object", "properties": {"name": {"type": "string"}}}
            }}}
            """#)
        let options = SchemaOptions(strict: true, clusterOpenAPI: [doc])
        let good = Self.objects("apiVersion: example.io/v1\nkind: Gizmo\nmetadata: {name: g}\nspec: {port: 80, cpu: 1, replicas: null}\n")
        #expect(try SchemaCheck.validate(good, options: options).isEmpty)
        let bad = Self.objects("apiVersion: example.io/v1\nkind: Gizmo\nmetadata: {name: g, lables: {}}\nspec: {port: true, replicas: \"2\"}\n")
        #expect(try SchemaCheck.validate(bad, options: options).map(\.message).sorted() == [
            "metadata.lables: unknown field \"lables\"",
            "spec.port: expected string or integer, got boolean true",
            "spec.replicas: expected integer, got string \"2\"",
        ])
    }
}
