package io.phenostream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.kafka.TopicSpec;
import io.phenostream.common.kafka.Topics;
import io.phenostream.extractor.ExtractorLane;
import io.phenostream.ingest.replay.ReplayPublisher;
import io.phenostream.sink.ResultsSinkService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The rendered manifests agree with the code: the topic catalogue, the configuration keys, the consumer groups and
 * transactional ids the services use; and every workload is operable (probes, resources, a disruption budget,
 * metrics scraping).
 */
class ManifestsTest {

    static final List<String> OVERLAYS = RenderedOverlay.OVERLAYS;

    /** Environment variables that are not PhenoStream configuration keys, and why they are set (k8s/README.md). */
    static final Map<String, String> NON_CONFIG_ENV = Map.of(
        "JAVA_TOOL_OPTIONS", "JVM heap and OOM flags",
        "DJL_CACHE_DIR", "writable cache for DJL's native libraries (read-only root file system)",
        "ENGINE_CACHE_DIR", "DJL engine cache, same volume",
        "DJL_OFFLINE", "no code path may download at run time",
        "OMP_NUM_THREADS", "libtorch intra-op threads: the analysis pool already keeps every core busy",
        "PYTORCH_LIBRARY_PATH", "the CUDA libtorch baked into the extractor-gpu image",
        "PYTORCH_VERSION", "its version, for DJL",
        "PYTORCH_FLAVOR", "its CUDA flavour, for DJL");

    /** Secrets that prod creates out of band (README); dev renders them from its secretGenerator. */
    static final Set<String> EXTERNAL_SECRETS = Set.of("phenostream-s3", "phenostream-db", "phenostream-ingest");

    /** The Strimzi cluster operator writes the cluster CA of the Kafka named phenostream into this Secret. */
    static final String CLUSTER_CA_SECRET = "phenostream-cluster-ca-cert";

    record Workload(HasMetadata owner, PodTemplateSpec template) {
        String name() {
            return owner.getKind() + "/" + owner.getMetadata().getName();
        }

        List<Container> containers() {
            return template.getSpec().getContainers();
        }
    }

    static List<Workload> workloads(final RenderedOverlay o) {
        final List<Workload> out = new ArrayList<>();
        o.all(Deployment.class).forEach(d -> out.add(new Workload(d, d.getSpec().getTemplate())));
        o.all(StatefulSet.class).forEach(s -> out.add(new Workload(s, s.getSpec().getTemplate())));
        return out;
    }

    static Set<String> configEnvNames() {
        return Arrays.stream(ConfigKey.values()).map(ConfigKey::envName).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectParsesAndCoreKindsAreTyped(final String overlay) {
        final RenderedOverlay o = RenderedOverlay.of(overlay);
        assertFalse(o.objects.isEmpty());
        final Set<String> customKinds = Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "ScaledObject",
            "TriggerAuthentication");
        for (final HasMetadata h : o.objects) {
            assertNotNull(h.getMetadata().getName(), () -> "unnamed " + h.getKind());
            if (h instanceof GenericKubernetesResource) {
                assertTrue(customKinds.contains(h.getKind()), () -> "untyped object of kind " + h.getKind()
                    + " (" + h.getApiVersion() + "): a typo in apiVersion/kind?");
            }
        }
        final Set<String> kinds = o.objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("Deployment", "StatefulSet", "PodDisruptionBudget", "Service", "ConfigMap",
            "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "ScaledObject")), () -> "kinds: " + kinds);
        final GenericKubernetesResource kafka = o.custom("Kafka").get(0);
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/kraft"));
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/node-pools"));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void kafkaTopicsEqualTheCatalogue(final String overlay) {
        final RenderedOverlay o = RenderedOverlay.of(overlay);
        final Map<String, TopicSpec> expected = new TreeMap<>();
        Topics.catalogue().forEach(t -> expected.put(t.name(), t));
        final Map<String, GenericKubernetesResource> actual = new TreeMap<>();
        for (final GenericKubernetesResource t : o.custom("KafkaTopic")) {
            final String topicName = Objects.requireNonNullElse(t.get("spec", "topicName"), t.getMetadata().getName());
            assertEquals(null, actual.put(topicName, t), () -> "topic declared twice: " + topicName);
        }
        assertEquals(expected.keySet(), actual.keySet(), "KafkaTopic names against Topics.catalogue()");
        for (final TopicSpec spec : expected.values()) {
            final GenericKubernetesResource t = actual.get(spec.name());
            assertEquals(spec.partitions(), ((Number) t.get("spec", "partitions")).intValue(), spec.name() + " partitions");
            final Map<String, Object> config = t.get("spec", "config");
            final Map<String, String> asStrings = new TreeMap<>();
            (config == null ? Map.<String, Object>of() : config).forEach((k, v) -> asStrings.put(k, String.valueOf(v)));
            assertEquals(new TreeMap<>(spec.configs()), asStrings, spec.name() + " config");
            assertEquals("phenostream", t.getMetadata().getLabels().get("strimzi.io/cluster"), spec.name() + " cluster");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyEnvironmentVariableIsAConfigurationKey(final String overlay) {
        final RenderedOverlay o = RenderedOverlay.of(overlay);
        final Set<String> keys = configEnvNames();
        final Set<String> secretKeys = Arrays.stream(ConfigKey.values()).filter(ConfigKey::isSecret)
            .map(ConfigKey::envName).collect(Collectors.toSet());
        final Set<String> kafkaUsers = names(o.custom("KafkaUser"));
        final Set<String> renderedSecrets = names(o.all(Secret.class));
        for (final Workload w : workloads(o)) {
            for (final Container c : w.containers()) {
                final String where = overlay + " " + w.name() + "/" + c.getName();
                for (final EnvVar e : c.getEnv()) {
                    assertTrue(keys.contains(e.getName()) || NON_CONFIG_ENV.containsKey(e.getName()),
                        () -> where + ": " + e.getName() + " is neither a ConfigKey.envName() nor a documented one");
                    if (secretKeys.contains(e.getName())) {
                        assertTrue(e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null,
                            () -> where + ": secret " + e.getName() + " must come from a Secret, not a literal");
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        final String secret = e.getValueFrom().getSecretKeyRef().getName();
                        final boolean known = renderedSecrets.contains(secret) || kafkaUsers.contains(secret)
                            || CLUSTER_CA_SECRET.equals(secret)
                            || (!"dev".equals(overlay) && EXTERNAL_SECRETS.contains(secret));
                        assertTrue(known, () -> where + ": " + e.getName() + " reads Secret " + secret
                            + ", which nothing renders, no KafkaUser owns and the README does not list");
                    }
                }
                assertFalse(c.getEnvFrom().isEmpty(), () -> where + ": no envFrom ConfigMap");
                for (final EnvFromSource from : c.getEnvFrom()) {
                    assertNotNull(from.getConfigMapRef(), () -> where + ": envFrom must be a ConfigMap");
                    final String cm = from.getConfigMapRef().getName();
                    final ConfigMap map = o.named(ConfigMap.class, cm)
                        .orElseThrow(() -> new AssertionError(where + ": ConfigMap " + cm + " is not rendered"));
                    for (final String k : map.getData().keySet()) {
                        assertTrue(keys.contains(k), () -> where + ": ConfigMap " + cm + " key " + k
                            + " is not a ConfigKey.envName()");
                        assertFalse(secretKeys.contains(k), () -> cm + ": secret " + k + " in a ConfigMap");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyWorkloadHasProbesResourcesMetricsAndADisruptionBudget(final String overlay) {
        final RenderedOverlay o = RenderedOverlay.of(overlay);
        final List<Workload> workloads = workloads(o);
        final Set<String> names = workloads.stream().map(w -> w.owner().getMetadata().getName()).collect(Collectors.toSet());
        assertEquals(Set.of("ingest-server", "extractor", "extractor-replay", "scorer", "sink", "results-api"), names);
        assertTrue(o.named(StatefulSet.class, "scorer").isPresent(), "the scorer runs as a StatefulSet");
        for (final Workload w : workloads) {
            final String where = overlay + " " + w.name();
            for (final Container c : w.containers()) {
                assertHttpProbe(where + " liveness", c.getLivenessProbe());
                assertHttpProbe(where + " readiness", c.getReadinessProbe());
                final Set<String> ports = c.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
                if (ports.contains("management")) {
                    // the separate-process services' contract: /health/live and /health/ready on the management port
                    assertEquals("/health/live", c.getLivenessProbe().getHttpGet().getPath(), where);
                    assertEquals("/health/ready", c.getReadinessProbe().getHttpGet().getPath(), where);
                    assertEquals("management", c.getReadinessProbe().getHttpGet().getPort().getStrVal(), where);
                }
                final var r = c.getResources();
                assertNotNull(r.getRequests().get("cpu"), where + " cpu request");
                assertNotNull(r.getRequests().get("memory"), where + " memory request");
                assertNotNull(r.getLimits().get("memory"), where + " memory limit");
            }
            final Map<String, String> annotations = w.template().getMetadata().getAnnotations();
            assertEquals("true", annotations.get("prometheus.io/scrape"), where + " scraped");
            final String port = annotations.get("prometheus.io/port");
            assertTrue(w.containers().stream().flatMap(c -> c.getPorts().stream())
                .anyMatch(p -> String.valueOf(p.getContainerPort()).equals(port)), where + " scrapes a port it has");
            final Map<String, String> labels = w.template().getMetadata().getLabels();
            final List<PodDisruptionBudget> budgets = o.all(PodDisruptionBudget.class).stream()
                .filter(b -> labels.entrySet().containsAll(b.getSpec().getSelector().getMatchLabels().entrySet()))
                .toList();
            assertEquals(1, budgets.size(), () -> where + ": PodDisruptionBudgets selecting it: " + budgets.size());
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void extractorsScaleOnTheirLanesLagWithinThePartitions(final String overlay) {
        final RenderedOverlay o = RenderedOverlay.of(overlay);
        final Map<String, Integer> partitions = Topics.catalogue().stream()
            .collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions));
        for (final ExtractorLane lane : ExtractorLane.values()) {
            final Deployment d = o.all(Deployment.class).stream()
                .filter(x -> String.join(" ", x.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                    .contains("--lane " + lane.name().toLowerCase()))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no Deployment runs lane " + lane));
            final GenericKubernetesResource so = o.custom("ScaledObject").stream()
                .filter(s -> d.getMetadata().getName().equals(s.get("spec", "scaleTargetRef", "name")))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no ScaledObject scales " + d.getMetadata().getName()));
            final List<Map<String, Object>> triggers = so.get("spec", "triggers");
            assertEquals(1, triggers.size());
            assertEquals("kafka", triggers.get(0).get("type"));
            @SuppressWarnings("unchecked")
            final Map<String, Object> meta = (Map<String, Object>) triggers.get(0).get("metadata");
            assertEquals(lane.topic(), meta.get("topic"), lane + " trigger topic");
            assertEquals(lane.groupId(), meta.get("consumerGroup"), lane + " trigger group");
            final int max = ((Number) so.get("spec", "maxReplicaCount")).intValue();
            assertTrue(max >= 1 && max <= partitions.get(lane.topic()), () -> overlay + " " + lane + ": maxReplicaCount "
                + max + " > " + partitions.get(lane.topic()) + " partitions of " + lane.topic());
            // the worker's Kafka user may read exactly this lane's topic and group
            final Map<String, Set<String>> acls = acls(o, kafkaUserOf(d.getSpec().getTemplate()));
            assertTrue(acls.getOrDefault("topic:literal:" + lane.topic(), Set.of()).contains("Read"), lane + " topic ACL");
            assertTrue(acls.getOrDefault("group:literal:" + lane.groupId(), Set.of()).contains("Read"), lane + " group ACL");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void kafkaUsersGrantWhatTheCodeUses(final String overlay) {
        final RenderedOverlay o = RenderedOverlay.of(overlay);
        // every workload that talks to Kafka has its own user
        final Set<String> users = new HashSet<>();
        for (final Workload w : workloads(o)) {
            final String user = kafkaUserOf(w.template());
            if (user != null) {
                assertTrue(users.add(user), () -> "KafkaUser " + user + " shared by two workloads");
                assertTrue(o.custom("KafkaUser", user).isPresent(), () -> w.name() + " uses missing KafkaUser " + user);
            }
        }
        final String appId = ConfigKey.SCORER_APPLICATION_ID.defaultValue();
        final Map<String, Set<String>> scorer = acls(o, "phenostream-scorer");
        assertTrue(scorer.getOrDefault("topic:prefix:" + appId + "-", Set.of()).contains("All"), "Streams internal topics");
        assertTrue(scorer.getOrDefault("group:prefix:" + appId, Set.of()).contains("Read"), "Streams group");
        assertTrue(scorer.getOrDefault("transactionalId:prefix:" + appId + "-", Set.of()).contains("Write"),
            "exactly_once_v2 transactional ids");
        assertTrue(acls(o, "phenostream-sink").getOrDefault("group:literal:" + ResultsSinkService.GROUP_ID, Set.of())
            .contains("Read"), "sink group");
        final String txn = ReplayPublisher.transactionalId("replay-0123456789abcdef");
        final Map<String, Set<String>> replay = acls(o, "phenostream-replay");
        assertTrue(replay.entrySet().stream().anyMatch(e -> e.getKey().startsWith("transactionalId:prefix:")
            && txn.startsWith(e.getKey().substring("transactionalId:prefix:".length())) && e.getValue().contains("Write")),
            "replay publisher transactional ids " + txn);
        // every service user can describe every topic: TopicCreator lists them at start-up
        for (final String user : users) {
            final Map<String, Set<String>> a = acls(o, user);
            for (final TopicSpec t : Topics.catalogue()) {
                assertTrue(a.getOrDefault("topic:literal:" + t.name(), Set.of()).contains("Describe"),
                    () -> user + " cannot describe " + t.name());
            }
        }
    }

    /** The KafkaUser whose Secret holds a workload's SASL JAAS configuration, or null when it has none. */
    static String kafkaUserOf(final PodTemplateSpec t) {
        return t.getSpec().getContainers().stream().flatMap(c -> c.getEnv().stream())
            .filter(e -> ConfigKey.KAFKA_SASL_JAAS_CONFIG.envName().equals(e.getName()))
            .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst().orElse(null);
    }

    /** A KafkaUser's ACLs as "type:patternType:name" to operations. */
    static Map<String, Set<String>> acls(final RenderedOverlay o, final String user) {
        final GenericKubernetesResource u = o.custom("KafkaUser", user)
            .orElseThrow(() -> new AssertionError("no KafkaUser " + user));
        final List<Map<String, Object>> list = u.get("spec", "authorization", "acls");
        final Map<String, Set<String>> out = new TreeMap<>();
        for (final Map<String, Object> acl : list) {
            @SuppressWarnings("unchecked")
            final Map<String, Object> r = (Map<String, Object>) acl.get("resource");
            @SuppressWarnings("unchecked")
            final List<String> ops = (List<String>) acl.get("operations");
            out.computeIfAbsent(r.get("type") + ":" + r.getOrDefault("patternType", "literal") + ":" + r.get("name"),
                k -> new TreeSet<>()).addAll(ops);
        }
        return out;
    }

    private static void assertHttpProbe(final String what, final Probe p) {
        assertNotNull(p, what + " probe");
        assertNotNull(p.getHttpGet(), what + " probe is an HTTP GET");
    }

    private static Set<String> names(final List<? extends HasMetadata> objects) {
        return objects.stream().map(h -> h.getMetadata().getName()).collect(Collectors.toSet());
    }
}
