package io.phenostream.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.Keys;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.http.PooledHttpServer;
import io.phenostream.common.json.Json;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.ingest.ImageHeader;
import io.phenostream.ingest.ImageUploader;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.ingest.PlateRejectedException;
import io.phenostream.ingest.RunSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The ingest HTTP API for lab automation: register a plate run while the plate is still being imaged, push its
 * images one by one (or point at images the instrument already wrote to S3), close it with the final site count.
 * Each site's image set is published to {@code image-sets} as soon as its last channel is stored, so extraction
 * starts on the first site; the run goes to {@code plate-runs} open at registration and again closed at the end.
 *
 * <pre>{@code
 * POST /v1/runs?experiment=E&plate=P&run=R&layout=384&channels=DNA,GFP&sitesPerWell=4   body: plate-map CSV
 * PUT  /v1/runs/E/P/R/images/{well}/{site}/{channel}?fileName=orig.tif                 body: image bytes
 * POST /v1/runs/E/P/R/objects     {"well":"A01","site":0,"channel":"DNA","uri":"s3://bucket/key"}
 * POST /v1/runs/E/P/R/close?sites=N
 * GET  /v1/runs/E/P/R    GET /v1/runs    GET /health (no token)
 * }</pre>
 *
 * <p>Every endpoint but {@code /health} needs {@code Authorization: Bearer <token>}
 * ({@link ConfigKey#INGEST_HTTP_TOKEN}); without a configured token the server does not start. Errors are
 * {@code {"error": "..."}}: 400 bad input (naming the parameter, plate-map line or file), 401, 403 an
 * {@code objects} uri outside {@link ConfigKey#INGEST_OBJECTS_ALLOWED_BUCKETS} (naming the bucket), 404 unknown run or
 * object, 409 conflicts with the run's state, 413 body over the limit, 502 S3 failed, 503 Kafka failed.
 *
 * <p>Open runs live in this process's memory: after a restart, register the run again (same parameters) and
 * re-send the images of incomplete sites; sites already published are not published twice (receipts in S3).
 */
public final class IngestHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHttpServer.class);

    /** Largest image body accepted by default; the image is held in memory while it is checked and stored. */
    public static final long DEFAULT_MAX_BODY_BYTES = 512L * 1024 * 1024;
    static final long MAX_PLATE_MAP_BYTES = 16L * 1024 * 1024;
    static final long MAX_JSON_BYTES = 64L * 1024;
    private static final int MAX_FILE_NAME = 255;

    private record Reply(int status, Object body) {
    }

    /** A registered run: the registration (to recognise a repeated one) and its session. */
    private record Registered(PlateRun registration, RunSession session) {
    }

    private final PooledHttpServer server;
    private final PlateIngestor ingestor;
    private final ObjectStore store;
    private final BearerTokenCheck auth;
    private final long maxBodyBytes;
    private final Set<String> allowedBuckets;
    private final Map<String, Registered> runs = new ConcurrentHashMap<>();
    private final Object registrationLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();

    private IngestHttpServer(final PooledHttpServer server, final PlateIngestor ingestor, final ObjectStore store,
                             final BearerTokenCheck auth, final long maxBodyBytes, final Set<String> allowedBuckets) {
        this.server = server;
        this.ingestor = ingestor;
        this.store = store;
        this.auth = auth;
        this.maxBodyBytes = maxBodyBytes;
        this.allowedBuckets = allowedBuckets;
    }

    /**
     * The buckets {@code POST .../objects} may read: {@link ConfigKey#INGEST_OBJECTS_ALLOWED_BUCKETS}, or only the
     * configured bucket ({@link ConfigKey#S3_BUCKET}) when unset. Without this list a token holder could make the
     * server copy any object its S3 credentials can read.
     */
    static Set<String> allowedBuckets(final PhenoConfig config) {
        final String list = config.get(ConfigKey.INGEST_OBJECTS_ALLOWED_BUCKETS)
            .orElseGet(() -> config.require(ConfigKey.S3_BUCKET));
        final Set<String> out = new LinkedHashSet<>();
        for (final String b : list.split(",")) {
            if (!b.isBlank()) {
                out.add(b.trim());
            }
        }
        return Set.copyOf(out);
    }

    /** Starts on {@link ConfigKey#INGEST_HTTP_PORT}. */
    public static IngestHttpServer start(final PlateIngestor ingestor, final ObjectStore store,
                                         final PhenoConfig config) {
        return start(ingestor, store, config, config.getInt(ConfigKey.INGEST_HTTP_PORT));
    }

    /** Without an object store: {@code POST .../objects} answers 501. */
    public static IngestHttpServer start(final PlateIngestor ingestor, final PhenoConfig config, final int port) {
        return start(ingestor, null, config, port);
    }

    /**
     * @param store where {@code POST .../objects} reads images the instrument wrote (the ingestor's store)
     * @param port 0 for any free port
     */
    public static IngestHttpServer start(final PlateIngestor ingestor, final ObjectStore store,
                                         final PhenoConfig config, final int port) {
        return start(ingestor, store, config, port, DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * @param maxBodyBytes the largest image accepted (413 above it)
     * @throws IllegalStateException naming {@code PHENOSTREAM_INGEST_HTTP_TOKEN} when no token is configured, or
     *     naming the port when it cannot be bound
     */
    public static IngestHttpServer start(final PlateIngestor ingestor, final ObjectStore store,
                                         final PhenoConfig config, final int port, final long maxBodyBytes) {
        final BearerTokenCheck auth = BearerTokenCheck.fromConfig(config);
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBodyBytes must be between 1 and " + (Integer.MAX_VALUE - 8)
                + " (an image is held in one array), got " + maxBodyBytes);
        }
        // Uploads block on S3 and Kafka, so a few threads; more clients queue rather than exhaust memory.
        final int threads = Math.max(2, config.getInt(ConfigKey.INGEST_UPLOAD_THREADS));
        // All interfaces: lab automation calls from other hosts; the bearer token guards every endpoint.
        final PooledHttpServer server = PooledHttpServer.bind(new InetSocketAddress(port), threads, "ingest-http",
            ConfigKey.INGEST_HTTP_PORT.key());
        final IngestHttpServer api = new IngestHttpServer(server, ingestor, store, auth, maxBodyBytes,
            allowedBuckets(config));
        server.route("/", api::handle).start();
        LOG.info("Ingest HTTP API listening on port {} ({} threads, bodies up to {} bytes)", server.port(), threads,
            maxBodyBytes);
        return api;
    }

    public int port() {
        return server.port();
    }

    /** Stops accepting requests, gives running ones a second to finish, then stops the threads. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        LOG.info("Ingest HTTP API stopped");
    }

    private void handle(final HttpExchange ex) {
        final long t0 = System.nanoTime();
        final String method = ex.getRequestMethod();
        final String path = ex.getRequestURI().getPath();
        final List<String> segments = segments(path);
        final String runKey = runKeyOf(segments, ex.getRequestURI().getRawQuery());
        Reply reply;
        try {
            reply = route(ex, method, segments);
        } catch (final HttpFailure f) {
            reply = failure(f.status(), f.getMessage(), f.problems());
        } catch (final IOException | UncheckedIOException e) {
            reply = failure(400, "cannot read the request: " + e.getMessage(), List.of());
        } catch (final RuntimeException e) {
            reply = classify(e, method, path, runKey);
        }
        try {
            if (reply.status() == 401) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"phenostream-ingest\"");
            }
            Exchanges.sendJson(ex, reply.status(), reply.body());
        } catch (final IOException e) {
            LOG.debug("{} {}: client went away before the answer: {}", method, path, e.getMessage());
        } finally {
            ex.close();
        }
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        if (reply.status() >= 400) {
            LOG.warn("{} {} (run {}) -> {} in {} ms: {}", method, path, runKey, reply.status(), ms,
                reply.body() instanceof Map<?, ?> m ? m.get("error") : reply.body());
        } else {
            LOG.debug("{} {} (run {}) -> {} in {} ms", method, path, runKey, reply.status(), ms);
        }
    }

    private Reply route(final HttpExchange ex, final String method, final List<String> s) throws IOException {
        if (s.equals(List.of("health"))) {
            allow(ex, method, "GET");
            return new Reply(200, Map.of("status", "ok"));
        }
        if (!auth.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
            throw new HttpFailure(401, "missing or wrong bearer token (header Authorization: Bearer <token>)");
        }
        if (s.size() >= 2 && s.get(0).equals("v1") && s.get(1).equals("runs")) {
            final Map<String, String> query = Exchanges.query(ex.getRequestURI().getRawQuery());
            if (s.size() == 2) {
                allow(ex, method, "GET", "POST");
                return method.equals("GET") ? listRuns() : register(ex, query);
            }
            if (s.size() == 5) {
                allow(ex, method, "GET");
                return new Reply(200, session(s).status());
            }
            if (s.size() == 6 && s.get(5).equals("close")) {
                allow(ex, method, "POST");
                return close(session(s), query);
            }
            if (s.size() == 6 && s.get(5).equals("objects")) {
                allow(ex, method, "POST");
                return registerObject(ex, session(s), query);
            }
            if (s.size() == 9 && s.get(5).equals("images")) {
                allow(ex, method, "PUT");
                return putImage(ex, session(s), s.get(6), s.get(7), s.get(8), query);
            }
        }
        throw HttpFailure.notFound("no endpoint " + method + " " + ex.getRequestURI().getPath());
    }

    private Reply listRuns() {
        final TreeSet<String> open = new TreeSet<>();
        final TreeSet<String> done = new TreeSet<>();
        runs.forEach((key, r) -> (r.session().status().open() ? open : done).add(key));
        return new Reply(200, Map.of("open", List.copyOf(open), "closed", List.copyOf(done)));
    }

    private Reply register(final HttpExchange ex, final Map<String, String> query) throws IOException {
        final String csv = utf8(Exchanges.body(ex, MAX_PLATE_MAP_BYTES, "plate map"), "plate map (request body)");
        final String client = ex.getRemoteAddress() == null || ex.getRemoteAddress().getAddress() == null ? "unknown"
            : ex.getRemoteAddress().getAddress().getHostAddress();
        final PlateRun run = RunRegistration.parse(query, csv, "http:" + client);
        // One registration at a time: two clients registering the same run get one session, not two.
        synchronized (registrationLock) {
            final Registered existing = runs.get(run.runKey());
            if (existing != null) {
                final List<String> differences = RunRegistration.differences(existing.registration(), run);
                if (!differences.isEmpty()) {
                    throw new HttpFailure(409, "run " + run.runKey() + " is already registered with other parameters: "
                        + String.join("; ", differences), differences, null);
                }
                return new Reply(200, registered(existing.session()));
            }
            final RunSession session = RunSession.start(run, AnalysisSpec.classicalDefaults(), ingestor.publisher(false));
            runs.put(run.runKey(), new Registered(run, session));
            LOG.info("Registered open run {} from {} ({} wells, channels {}, {} sites expected, analysis {})",
                run.runKey(), client, run.plateMap().size(), run.channels(), run.expectedSites(), session.analysisId());
            return new Reply(201, registered(session));
        }
    }

    private static Map<String, Object> registered(final RunSession session) {
        final PlateRun run = session.run();
        final String base = "/v1/runs/" + run.runKey();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("runKey", run.runKey());
        out.put("experimentId", run.experimentId());
        out.put("plateId", run.plateId());
        out.put("runId", run.runId());
        out.put("analysisId", session.analysisId());
        out.put("open", run.open());
        out.put("layout", run.layout().toString());
        out.put("channels", run.channels());
        out.put("sitesPerWell", run.sitesPerWell());
        out.put("expectedSites", run.expectedSites());
        out.put("uploadUrl", base + "/images/{well}/{site}/{channel}?fileName={fileName}");
        out.put("objectsUrl", base + "/objects");
        out.put("closeUrl", base + "/close?sites={sites}");
        return out;
    }

    private Reply putImage(final HttpExchange ex, final RunSession session, final String wellText,
                           final String siteText, final String channel, final Map<String, String> query)
        throws IOException {
        final WellId well = well(session, wellText);
        final int site = site(siteText);
        requireChannel(session, channel);
        final String fileName = fileName(query.get("fileName"), well, site, channel);
        requireOpen(session);
        final byte[] bytes = Exchanges.body(ex, maxBodyBytes, fileName);
        return addImage(session, well, site, channel, fileName, bytes, null);
    }

    private Reply registerObject(final HttpExchange ex, final RunSession session, final Map<String, String> query)
        throws IOException {
        if (store == null) {
            throw new HttpFailure(501, "this server was started without an object store: POST .../objects is off");
        }
        final JsonNode json;
        try {
            json = Json.MAPPER.readTree(Exchanges.body(ex, MAX_JSON_BYTES, "objects request"));
        } catch (final IOException e) {
            throw HttpFailure.badRequest("objects request: body is not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw HttpFailure.badRequest("objects request: body must be a JSON object {\"well\",\"site\",\"channel\","
                + "\"uri\"}");
        }
        final S3Uri uri;
        try {
            uri = S3Uri.parse(text(json, "uri"));
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        if (!allowedBuckets.contains(uri.bucket())) {
            // Before anything is read: nothing is copied, stored or published.
            throw new HttpFailure(403, "objects request: bucket '" + uri.bucket() + "' is not one this server may "
                + "read (" + ConfigKey.INGEST_OBJECTS_ALLOWED_BUCKETS.key() + ")");
        }
        final WellId well = well(session, text(json, "well"));
        final JsonNode siteNode = json.get("site");
        if (siteNode == null || !siteNode.canConvertToInt()) {
            throw HttpFailure.badRequest("objects request for " + uri + ": 'site' must be a whole number, got "
                + siteNode);
        }
        final int site = site(siteNode.asText());
        final String channel = text(json, "channel");
        requireChannel(session, channel);
        final String fileName = fileName(json.hasNonNull("fileName") ? json.get("fileName").asText() : uri.fileName(),
            well, site, channel);
        requireOpen(session);
        final byte[] bytes = fetch(uri);
        return addImage(session, well, site, channel, fileName, bytes, uri);
    }

    /** Reads an object the instrument wrote; the original stays where it is. */
    private byte[] fetch(final S3Uri uri) {
        try {
            final HeadObjectResponse head = store.client().headObject(b -> b.bucket(uri.bucket()).key(uri.key()));
            if (head.contentLength() != null && head.contentLength() > maxBodyBytes) {
                throw new HttpFailure(413, uri + ": object of " + head.contentLength() + " bytes is over the limit of "
                    + maxBodyBytes + " bytes", List.of(), null);
            }
            return store.client().getObjectAsBytes(b -> b.bucket(uri.bucket()).key(uri.key())).asByteArray();
        } catch (final NoSuchKeyException | NoSuchBucketException e) {
            throw HttpFailure.notFound("object " + uri + " does not exist");
        } catch (final S3Exception e) {
            if (e.statusCode() == 404) {
                throw HttpFailure.notFound("object " + uri + " does not exist");
            }
            throw new HttpFailure(502, "cannot read " + uri + ": S3 answered " + e.statusCode() + ": "
                + e.getMessage(), List.of(), e);
        } catch (final SdkException e) {
            throw new HttpFailure(502, "cannot read " + uri + ": " + e.getMessage(), List.of(), e);
        }
    }

    /** Header check, content-addressed store, then the session: a bad image is refused before any upload. */
    private Reply addImage(final RunSession session, final WellId well, final int site, final String channel,
                           final String fileName, final byte[] bytes, final S3Uri source) {
        if (bytes.length == 0) {
            throw HttpFailure.badRequest(fileName + ": empty body, expected a TIFF or PNG image");
        }
        final ImageHeader header;
        try {
            header = ImageHeader.read(fileName, bytes).requirePixelsAtMost(fileName, ingestor.maxImagePixels());
        } catch (final ImageHeader.BadImageException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        final ImageUploader.Stored stored = ingestor.uploader().store(channel, fileName, bytes);
        final Optional<ImageSet> published;
        try {
            published = session.add(well, site, stored.ref(), header);
        } catch (final IllegalArgumentException e) {
            // Well and channel were checked above, so what is left disagrees with images the run already holds.
            throw HttpFailure.conflict(e.getMessage());
        } catch (final IllegalStateException e) {
            if (e.getCause() == null) {
                throw HttpFailure.conflict(e.getMessage()); // closed meanwhile
            }
            throw e;
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("uri", stored.ref().uri());
        out.put("sha256", stored.ref().sha256());
        out.put("sizeBytes", stored.ref().sizeBytes());
        out.put("fileName", fileName);
        out.put("well", well.toString());
        out.put("site", site);
        out.put("channel", channel);
        out.put("uploaded", stored.uploaded());
        out.put("siteComplete", session.completeSites().contains(well + "/" + site));
        out.put("imageSetPublished", published.isPresent());
        if (source != null) {
            out.put("source", source.toString());
        }
        return new Reply(201, out);
    }

    private static Reply close(final RunSession session, final Map<String, String> query) {
        Integer sites = null;
        final String text = query.get("sites");
        if (text != null && !text.isBlank()) {
            try {
                sites = Integer.parseInt(text.trim());
            } catch (final NumberFormatException e) {
                throw HttpFailure.badRequest("sites '" + text + "' is not a whole number");
            }
            if (sites < 0) {
                throw HttpFailure.badRequest("sites must be at least 0, got " + sites);
            }
        }
        try {
            session.close(sites);
        } catch (final PlateRejectedException e) {
            throw new HttpFailure(409, "run " + session.run().runKey() + " cannot close, incomplete site(s): "
                + String.join("; ", e.problems()), e.problems(), null);
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.conflict(e.getMessage());
        }
        LOG.info("Closed run {} with {} sites", session.run().runKey(), session.run().expectedSites());
        return new Reply(200, session.status());
    }

    private RunSession session(final List<String> s) {
        final String key;
        try {
            key = Keys.run(Keys.requireId("experiment", s.get(2)), Keys.requireId("plate", s.get(3)),
                Keys.requireId("run", s.get(4)));
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        final Registered r = runs.get(key);
        if (r == null) {
            throw HttpFailure.notFound("run " + key + " is not registered on this server (POST /v1/runs first)");
        }
        return r.session();
    }

    private static WellId well(final RunSession session, final String text) {
        final WellId well;
        try {
            well = WellId.parse(text);
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        final PlateRun run = session.run();
        if (!run.layout().contains(well) || run.plateMap().stream().map(PlateMapEntry::well).noneMatch(well::equals)) {
            throw HttpFailure.badRequest("well " + well + " is not in the plate map of run " + run.runKey());
        }
        return well;
    }

    private static int site(final String text) {
        try {
            final int site = Integer.parseInt(text.trim());
            if (site < 0) {
                throw HttpFailure.badRequest("site must be at least 0, got " + site);
            }
            return site;
        } catch (final NumberFormatException e) {
            throw HttpFailure.badRequest("site '" + text + "' is not a whole number");
        }
    }

    private static void requireChannel(final RunSession session, final String channel) {
        if (!session.run().channels().contains(channel)) {
            throw HttpFailure.badRequest("channel '" + channel + "' is not one of the run's " + session.run().channels());
        }
    }

    private static void requireOpen(final RunSession session) {
        if (!session.status().open()) {
            throw HttpFailure.conflict("run " + session.run().runKey() + " is closed: it takes no more images");
        }
    }

    private static String fileName(final String given, final WellId well, final int site, final String channel) {
        if (given == null || given.isBlank()) {
            return well + "_s" + site + "_" + channel;
        }
        if (given.length() > MAX_FILE_NAME || given.chars().anyMatch(Character::isISOControl)) {
            throw HttpFailure.badRequest("fileName must be at most " + MAX_FILE_NAME
                + " characters without control characters");
        }
        return given;
    }

    private static String text(final JsonNode json, final String field) {
        final JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw HttpFailure.badRequest("objects request: '" + field + "' must be a non-empty string, got " + v);
        }
        return v.asText().trim();
    }

    private static String utf8(final byte[] bytes, final String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            throw HttpFailure.badRequest(what + " is not UTF-8 text");
        }
    }

    private static void allow(final HttpExchange ex, final String method, final String... allowed) {
        if (!List.of(allowed).contains(method)) {
            ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
            throw new HttpFailure(405, "method " + method + " not allowed on " + ex.getRequestURI().getPath()
                + " (allowed: " + String.join(", ", allowed) + ")", List.of(), null);
        }
    }

    /** S3 trouble is the storage's failure (502), Kafka trouble the log's (503); anything else is ours (500). */
    private static Reply classify(final RuntimeException e, final String method, final String path,
                                  final String runKey) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SdkException) {
                return failure(502, "object storage failed: " + e.getMessage(), List.of());
            }
            if (c instanceof KafkaException || c instanceof TimeoutException || c instanceof ExecutionException) {
                return failure(503, "Kafka failed: " + e.getMessage(), List.of());
            }
        }
        LOG.warn("{} {} (run {}) failed unexpectedly", method, path, runKey, e);
        return failure(500, "internal error: " + e, List.of());
    }

    private static Reply failure(final int status, final String message, final List<String> problems) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (!problems.isEmpty()) {
            body.put("problems", problems);
        }
        return new Reply(status, body);
    }

    private static List<String> segments(final String path) {
        final List<String> out = new ArrayList<>();
        for (final String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The run a request is about, for the logs: from the path, or from the query of a registration. */
    private static String runKeyOf(final List<String> s, final String rawQuery) {
        if (s.size() >= 5 && s.get(0).equals("v1") && s.get(1).equals("runs")) {
            return Keys.run(s.get(2), s.get(3), s.get(4));
        }
        if (s.size() == 2 && rawQuery != null) {
            try {
                final Map<String, String> q = Exchanges.query(rawQuery);
                return Keys.run(q.getOrDefault("experiment", "?"), q.getOrDefault("plate", "?"),
                    q.getOrDefault("run", "(new)"));
            } catch (final HttpFailure e) {
                return "-";
            }
        }
        return "-";
    }
}
