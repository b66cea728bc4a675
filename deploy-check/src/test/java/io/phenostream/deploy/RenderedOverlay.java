package io.phenostream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One kustomize overlay of {@code k8s/overlays}, rendered by {@code kubectl kustomize} and parsed into fabric8's
 * typed model (custom resources such as Strimzi's and KEDA's as {@link GenericKubernetesResource}). Without a
 * kubectl the tests are skipped, unless {@code PHENOSTREAM_REQUIRE_KUBECTL=1} (CI) makes that a failure.
 */
final class RenderedOverlay {

    /** Overlays checked; each must exist under k8s/overlays. */
    static final List<String> OVERLAYS = List.of("dev", "prod");

    private static final Map<String, RenderedOverlay> CACHE = new ConcurrentHashMap<>();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    final String name;
    final List<HasMetadata> objects;

    private RenderedOverlay(final String name, final List<HasMetadata> objects) {
        this.name = name;
        this.objects = List.copyOf(objects);
    }

    static RenderedOverlay of(final String overlay) {
        return CACHE.computeIfAbsent(overlay, RenderedOverlay::render);
    }

    <T extends HasMetadata> List<T> all(final Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> custom(final String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> kind.equals(r.getKind())).toList();
    }

    <T extends HasMetadata> Optional<T> named(final Class<T> type, final String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    Optional<GenericKubernetesResource> custom(final String kind, final String name) {
        return custom(kind).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s/overlays"))) {
                return p;
            }
        }
        throw new IllegalStateException("k8s/overlays not found above " + Path.of("").toAbsolutePath());
    }

    private static RenderedOverlay render(final String overlay) {
        final String kubectl = kubectl();
        final Path dir = repositoryRoot().resolve("k8s/overlays").resolve(overlay);
        try {
            final File err = File.createTempFile("kustomize", ".err");
            err.deleteOnExit();
            final Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                .redirectError(err).start();
            final String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("kubectl kustomize " + dir + " did not finish in 60 s");
            }
            assertEquals(0, p.exitValue(), () -> "kubectl kustomize " + dir + " failed: " + read(err.toPath()));
            return new RenderedOverlay(overlay, parse(yaml));
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot run " + kubectl, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every document of a multi-document YAML stream, as typed objects (or generic ones for custom kinds). */
    static List<HasMetadata> parse(final String yaml) {
        final List<HasMetadata> out = new ArrayList<>();
        for (final String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            final Object o = SERIALIZATION.unmarshal(doc);
            assertInstanceOf(HasMetadata.class, o, () -> "not a Kubernetes object:\n" + doc);
            out.add((HasMetadata) o);
        }
        return out;
    }

    /** PHENOSTREAM_KUBECTL, else kubectl on the PATH; skips (or fails, in CI) when there is none. */
    private static String kubectl() {
        final String configured = System.getenv("PHENOSTREAM_KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        final Optional<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(s -> !s.isEmpty()).map(s -> Path.of(s, "kubectl")).filter(Files::isExecutable).findFirst();
        if (onPath.isPresent()) {
            return onPath.get().toString();
        }
        if ("1".equals(System.getenv("PHENOSTREAM_REQUIRE_KUBECTL"))) {
            fail("kubectl not found on the PATH, and PHENOSTREAM_REQUIRE_KUBECTL=1 (apt-get install kubernetes-client)");
        }
        Assumptions.abort("kubectl not found: manifests not rendered (set PHENOSTREAM_REQUIRE_KUBECTL=1 to fail)");
        return null;
    }

    private static String read(final Path p) {
        try {
            return Files.readString(p);
        } catch (final IOException e) {
            return e.toString();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
