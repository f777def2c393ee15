import KubeClient
import Testing
@testable import Releases

@Suite struct ManifestDiffTests {
    static func deployment(image: String, replicas: Int64, live: Bool) -> JSON {
        var d: JSON = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "web", "namespace": "apps", "labels": ["app": "web"]],
            "spec": ["replicas": .int(replicas), "selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]],
                                  "spec": ["containers": [["name": "web", "image": .string(image),
                                                           "ports": [["containerPort": 80]]]]]]],
        ]
        if live {
            d[path: ["metadata", "uid"]] = "0b5c"
            d[path: ["metadata", "resourceVersion"]] = "812"
            d[path: ["metadata", "generation"]] = 4
            d[path: ["metadata", "creationTimestamp"]] = "2026-11-20T10:00:00Z"
            d[path: ["metadata", "managedFields"]] = [["manager": "tarsctl", "operation": "Apply"]]
            d[path: ["metadata", "annotations"]] = ["deployment.kubernetes.io/revision": "4"]
            d["status"] = ["replicas": 2, "readyReplicas": 2]
        }
        return d
    }

    static let options = DiffOptions(desiredLabel: "revision 5")

    @Test func objectByObjectUnifiedDiffWithServerFieldsDropped() {
        let diff = ManifestDiff.diff(live: [Self.deployment(image: "web:1", replicas: 2, live: true)],
                                     desired: [Self.deployment(image: "web:2", replicas: 3, live: false)], options: Self.options)
        #expect(diff.render() == """
            --- Deployment/web (live)
            +++ Deployment/web (revision 5)
            @@ -6,7 +6,7 @@
               name: web
               namespace: apps
             spec:
            -  replicas: 2
            +  replicas: 3
               selector:
                 matchLabels:
                   app: web
            @@ -16,7 +16,7 @@
                     app: web
                 spec:
                   containers:
            -      - image: web:1
            +      - image: web:2
                     name: web
                     ports:
                     - containerPort: 80

            """)
        #expect(diff.summary == "1 changed")
    }

    @Test func identicalObjectsAreNoChanges() {
        let diff = ManifestDiff.diff(live: [Self.deployment(image: "web:1", replicas: 2, live: true)],
                                     desired: [Self.deployment(image: "web:1", replicas: 2, live: false)], options: Self.options)
        #expect(diff.isEmpty)
        #expect(diff.render() == "no changes\n")
        #expect(diff.summary == "no changes")
    }

    @Test func addedAndRemovedObjectsAndMultiLineStrings() {
        let cm: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "conf"],
                        "data": ["app.ini": "[server]\nport = 80\n", "mode": "true"]]
        let old: JSON = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "old"], "spec": ["type": "ClusterIP"]]
        let diff = ManifestDiff.diff(live: [old], desired: [cm], options: Self.options)
        #expect(diff.render() == """
            --- ConfigMap/conf (not in the cluster)
            +++ ConfigMap/conf (revision 5)
            @@ -0,0 +1,9 @@
            +apiVersion: v1
            +data:
            +  app.ini: |
            +    [server]
            +    port = 80
            +  mode: "true"
            +kind: ConfigMap
            +metadata:
            +  name: conf
            --- Service/old (live)
            +++ Service/old (removed in revision 5)
            @@ -1,6 +0,0 @@
            -apiVersion: v1
            -kind: Service
            -metadata:
            -  name: old
            -spec:
            -  type: ClusterIP

            """)
        #expect(diff.summary == "1 added, 1 removed")
    }

    @Test func colourOnlyWhenAsked() {
        let live = [Self.deployment(image: "web:1", replicas: 2, live: true)]
        let desired = [Self.deployment(image: "web:2", replicas: 2, live: false)]
        #expect(!ManifestDiff.diff(live: live, desired: desired, options: Self.options).render().contains("\u{1B}"))
        var coloured = Self.options
        coloured.color = true
        let text = ManifestDiff.diff(live: live, desired: desired, options: coloured).render()
        #expect(text.contains("\u{1B}[31m-      - image: web:1\u{1B}[0m"))
        #expect(text.contains("\u{1B}[32m+      - image: web:2\u{1B}[0m"))
        #expect(text.contains("\u{1B}[1m--- Deployment/web (live)\u{1B}[0m"))
    }

    // MARK: - Secrets (issue 8, acceptance 6)

    static let secretValues = ["hunter2-live", "hunter2-new", "keep-me-quiet", "brand-new-token", "gone-away-value",
                               "annotation-copy"]

    static func b64(_ s: String) -> JSON { .string(Base64.encode(Array(s.utf8))) }

    static var liveSecret: JSON {
        ["apiVersion": "v1", "kind": "Secret", "type": "Opaque",
         "metadata": ["name": "db", "annotations": [
            "kubectl.kubernetes.io/last-applied-configuration": #"{"stringData":{"password":"annotation-copy"}}"#]],
         "data": ["password": b64("hunter2-live"), "same": b64("keep-me-quiet"), "old": b64("gone-away-value")]]
    }

    static var desiredSecret: JSON {
        ["apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": ["name": "db"],
         "data": ["same": b64("keep-me-quiet"), "token": b64("brand-new-token")],
         "stringData": ["password": "hunter2-new"]]
    }

    @Test func secretValuesAreRedactedButChangesStillShow() {
        let diff = ManifestDiff.diff(live: [Self.liveSecret], desired: [Self.desiredSecret], options: Self.options)
        // The live side's last-applied annotation (which repeats the values) is dropped too.
        #expect(diff.render() == """
            --- Secret/db (live)
            +++ Secret/db (revision 5)
            @@ -1,8 +1,8 @@
             apiVersion: v1
             data:
            -  old: <redacted>
            -  password: <redacted>
            +  password: <redacted, changed>
               same: <redacted>
            +  token: <redacted>
             kind: Secret
             metadata:
               name: db

            """)
    }

    /// Every combination of sides and options short of --show-secrets: no value, in clear text
    /// or base64, ever reaches the output.
    @Test(arguments: [false, true])
    func noSecretValueWithoutShowSecrets(_ color: Bool) {
        var options = Self.options
        options.color = color
        let live = Self.liveSecret, desired = Self.desiredSecret
        let renders = [
            ManifestDiff.diff(live: [live], desired: [desired], options: options).render(),
            ManifestDiff.diff(live: [], desired: [desired], options: options).render(),
            ManifestDiff.diff(live: [live], desired: [], options: options).render(),
            ManifestDiff.diff(live: [desired], desired: [live], options: options).render(),
        ]
        for text in renders {
            #expect(text.contains("<redacted>"))
            for value in Self.secretValues {
                #expect(!text.contains(value), "\(value) leaked")
                #expect(!text.contains(Base64.encode(Array(value.utf8))), "base64 of \(value) leaked")
            }
        }
        var show = options
        show.showSecrets = true
        let shown = ManifestDiff.diff(live: [live], desired: [desired], options: show).render()
        #expect(shown.contains(Base64.encode(Array("hunter2-new".utf8))))
        #expect(!shown.contains("<redacted"))
    }
}
