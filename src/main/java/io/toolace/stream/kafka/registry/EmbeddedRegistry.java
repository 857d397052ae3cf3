package io.toolace.stream.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.toolace.stream.kafka.AtomicFile;
import io.toolace.stream.kafka.DirectoryLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small schema registry for embedded mode, speaking the part of Confluent's REST API that
 * serializers and tools use, on a free loopback port:
 *
 * <pre>
 * GET  /                                         {}
 * GET  /config                                   {"compatibilityLevel": "BACKWARD"}
 * GET  /subjects                                 ["topic-value", ...]
 * POST /subjects/{subject}                       {"schema": "..."} -> {"subject", "version", "id", "schema"}
 * GET  /subjects/{subject}/versions              [1, 2]
 * GET  /subjects/{subject}/versions/{v|latest}   {"subject", "version", "id", "schema"}
 * POST /subjects/{subject}/versions              {"schema": "..."} -> {"id": 1}
 * GET  /schemas/ids/{id}                         {"schema": "..."}
 * POST /compatibility/subjects/{subject}/versions/{v|latest}   {"schema": "..."} -> {"is_compatible": true}
 * </pre>
 *
 * <p>Like Confluent's: ids are global, and identical schemas share one id across subjects;
 * registering a schema a subject already has returns its id; a new version must be BACKWARD
 * compatible with the subject's latest (readers of the new schema can read data of the previous
 * one), checked with Avro's {@link SchemaCompatibility}; errors have the shape
 * {@code {"error_code": 40403, "message": "Schema 7 not found"}}. Only Avro, no deletes, no references.
 *
 * <p>State persists in {@code <dataDir>/registry/schemas.json}, rewritten atomically on every
 * change, so records written in an earlier run keep their ids and stay readable.
 */
public final class EmbeddedRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMPATIBILITY = "BACKWARD";
    private static final String LATEST = "latest";

    private final Path stateFile;
    private final DirectoryLock lock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Guarded by this. Schema text is Avro's normalised JSON (parse, then print), so the same schema
    // written with other whitespace or attribute order maps to the same id.
    private final TreeMap<Integer, String> schemasById = new TreeMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new TreeMap<>();

    private EmbeddedRegistry(final Path stateFile, final DirectoryLock lock) {
        this.stateFile = stateFile;
        this.lock = lock;
        load();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot start the embedded schema registry: " + e.getMessage(), e);
        }
        final AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(2, runnable -> {
            final Thread thread = new Thread(runnable, "embedded-registry-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts a registry whose state lives in {@code <dataDir>/registry/schemas.json}.
     *
     * @throws IllegalStateException when another registry (in this process or another) uses that
     *     directory: two writers would hand out the same id for different schemas
     */
    public static EmbeddedRegistry start(final Path dataDir) {
        final Path directory = dataDir.toAbsolutePath().resolve("registry");
        try {
            Files.createDirectories(directory);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create " + directory + ": " + e.getMessage(), e);
        }
        final DirectoryLock lock = DirectoryLock.acquire(directory, "registry.lock");
        final EmbeddedRegistry registry;
        try {
            registry = new EmbeddedRegistry(directory.resolve("schemas.json"), lock);
        } catch (final RuntimeException e) {
            lock.close();
            throw e;
        }
        synchronized (registry) {
            LOG.info("Embedded schema registry at {} ({} schemas in {} subjects from {})", registry.url(),
                    registry.schemasById.size(), registry.versionsBySubject.size(), registry.stateFile);
        }
        return registry;
    }

    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Requests served so far; after warm-up the serdes send none, whatever the record rate. */
    public long requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
            lock.close();
            LOG.info("Embedded schema registry at {} stopped", url());
        }
    }

    private void handle(final HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            Reply reply;
            try {
                reply = route(exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()), exchange);
            } catch (final RegistryException e) {
                reply = error(e.status(), e.errorCode(), e.getMessage());
            } catch (final RuntimeException e) {
                LOG.warn("Embedded schema registry failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                reply = error(500, 50001, "Internal error: " + e);
            }
            final byte[] body = JSON.writeValueAsBytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", RegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private record Reply(int status, JsonNode body) {}

    private Reply route(final String method, final List<String> path, final HttpExchange exchange) throws IOException {
        final int size = path.size();
        final String first = size > 0 ? path.get(0) : "";
        if (size == 0) {
            return get(method, JSON.createObjectNode());
        }
        if (first.equals("config") && size == 1) {
            return get(method, JSON.createObjectNode().put("compatibilityLevel", COMPATIBILITY));
        }
        if (first.equals("subjects") && size == 1) {
            return get(method, subjects());
        }
        if (first.equals("subjects") && size == 2) {
            if (!method.equals("POST")) {
                return methodNotAllowed(method);
            }
            return ok(lookup(path.get(1), schemaOf(exchange)));
        }
        if (first.equals("subjects") && size == 3 && path.get(2).equals("versions")) {
            if (method.equals("POST")) {
                return ok(JSON.createObjectNode().put("id", register(path.get(1), schemaOf(exchange))));
            }
            return get(method, versions(path.get(1)));
        }
        if (first.equals("subjects") && size == 4 && path.get(2).equals("versions")) {
            return get(method, version(path.get(1), path.get(3)));
        }
        if (first.equals("schemas") && size == 3 && path.get(1).equals("ids")) {
            return get(method, JSON.createObjectNode().put("schema", schemaById(path.get(2))));
        }
        if (first.equals("compatibility") && size == 5 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
            if (!method.equals("POST")) {
                return methodNotAllowed(method);
            }
            return ok(compatibility(path.get(2), path.get(4), schemaOf(exchange)));
        }
        return error(404, 404, "HTTP 404 Not Found");
    }

    private synchronized ArrayNode subjects() {
        final ArrayNode names = JSON.createArrayNode();
        versionsBySubject.keySet().forEach(names::add);
        return names;
    }

    private synchronized ArrayNode versions(final String subject) {
        final ArrayNode numbers = JSON.createArrayNode();
        for (int version = 1; version <= versionsOf(subject).size(); version++) {
            numbers.add(version);
        }
        return numbers;
    }

    private synchronized ObjectNode version(final String subject, final String versionText) {
        final List<Integer> ids = versionsOf(subject);
        final int version = versionNumber(versionText, ids.size());
        final int id = ids.get(version - 1);
        return JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                .put("schema", schemasById.get(id));
    }

    /** The version of the subject that holds the schema, as producers that may not register ask for it. */
    private synchronized ObjectNode lookup(final String subject, final Schema schema) {
        final List<Integer> ids = versionsOf(subject);
        final Integer id = idsBySchema.get(schema.toString());
        final int index = id == null ? -1 : ids.indexOf(id);
        if (index < 0) {
            throw new RegistryException("Schema not found", 404, RegistryException.SCHEMA_NOT_FOUND);
        }
        return JSON.createObjectNode().put("subject", subject).put("version", index + 1).put("id", id)
                .put("schema", schemasById.get(id));
    }

    private synchronized String schemaById(final String idText) {
        final String schema;
        try {
            schema = schemasById.get(Integer.parseInt(idText));
        } catch (final NumberFormatException e) {
            throw new RegistryException("Schema " + idText + " not found", 404, RegistryException.SCHEMA_NOT_FOUND);
        }
        if (schema == null) {
            throw new RegistryException("Schema " + idText + " not found", 404, RegistryException.SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    private synchronized int register(final String subject, final Schema schema) {
        final String text = schema.toString();
        final List<Integer> ids = versionsBySubject.getOrDefault(subject, List.of());
        final Integer known = idsBySchema.get(text);
        if (known != null && ids.contains(known)) {
            return known;
        }
        if (!ids.isEmpty()) {
            final Schema latest = new Schema.Parser().parse(schemasById.get(ids.get(ids.size() - 1)));
            // BACKWARD: a reader with the new schema must read data written with the latest one.
            final String problems = Compatibility.problems(schema, latest);
            if (!problems.isEmpty()) {
                throw new RegistryException("Schema being registered is incompatible with an earlier schema for subject '"
                        + subject + "' (" + COMPATIBILITY + "): " + problems, 409, RegistryException.INCOMPATIBLE_SCHEMA);
            }
        }
        final int id = known != null ? known : nextId();
        schemasById.put(id, text);
        idsBySchema.put(text, id);
        final List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        versions.add(id);
        try {
            save();
        } catch (final RuntimeException e) {
            // Undo, so that what clients were told always matches what the next run will load.
            versions.remove(versions.size() - 1);
            if (versions.isEmpty()) {
                versionsBySubject.remove(subject);
            }
            if (known == null) {
                schemasById.remove(id);
                idsBySchema.remove(text);
            }
            throw e;
        }
        LOG.info("Registered schema {} ({}) as version {} of subject {}", id, schema.getFullName(),
                versionsBySubject.get(subject).size(), subject);
        return id;
    }

    private int nextId() {
        return schemasById.isEmpty() ? 1 : schemasById.lastKey() + 1;
    }

    private synchronized ObjectNode compatibility(final String subject, final String versionText, final Schema schema) {
        final List<Integer> ids = versionsBySubject.getOrDefault(subject, List.of());
        final ObjectNode answer = JSON.createObjectNode();
        if (ids.isEmpty()) {
            return answer.put("is_compatible", true);
        }
        final int version = versionNumber(versionText, ids.size());
        final String problems = Compatibility.problems(schema, new Schema.Parser().parse(schemasById.get(ids.get(version - 1))));
        answer.put("is_compatible", problems.isEmpty());
        if (!problems.isEmpty()) {
            answer.putArray("messages").add(problems);
        }
        return answer;
    }

    private List<Integer> versionsOf(final String subject) {
        final List<Integer> ids = versionsBySubject.get(subject);
        if (ids == null) {
            throw new RegistryException("Subject '" + subject + "' not found.", 404, RegistryException.SUBJECT_NOT_FOUND);
        }
        return ids;
    }

    private static int versionNumber(final String text, final int latest) {
        final int version;
        if (text.equals(LATEST) || text.equals("-1")) {
            version = latest;
        } else {
            try {
                version = Integer.parseInt(text);
            } catch (final NumberFormatException e) {
                throw new RegistryException("The specified version '" + text + "' is not a valid version id. Allowed"
                        + " values are between [1, 2^31-1] and the string \"latest\"", 422, RegistryException.INVALID_VERSION);
            }
        }
        if (version < 1 || version > latest) {
            throw new RegistryException("Version " + text + " not found.", 404, RegistryException.VERSION_NOT_FOUND);
        }
        return version;
    }

    /** The Avro schema in a request body {@code {"schema": "...", "schemaType": "AVRO"}}. */
    private static Schema schemaOf(final HttpExchange exchange) throws IOException {
        final JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            body = JSON.readTree(in);
        } catch (final IOException e) {
            throw new RegistryException("Malformed JSON body: " + e.getMessage(), 400, 400);
        }
        final JsonNode type = body == null ? null : body.get("schemaType");
        if (type != null && !type.asText().equals("AVRO")) {
            throw new RegistryException("Only AVRO schemas are supported, not " + type.asText(), 422, RegistryException.INVALID_SCHEMA);
        }
        final JsonNode text = body == null ? null : body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new RegistryException("Invalid schema: the body has no \"schema\" string", 422, RegistryException.INVALID_SCHEMA);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (final SchemaParseException e) {
            throw new RegistryException("Invalid schema: " + e.getMessage(), 422, RegistryException.INVALID_SCHEMA);
        }
    }

    private static Reply get(final String method, final JsonNode body) {
        return method.equals("GET") ? ok(body) : methodNotAllowed(method);
    }

    private static Reply ok(final JsonNode body) {
        return new Reply(200, body);
    }

    private static Reply methodNotAllowed(final String method) {
        return error(405, 405, "HTTP 405 Method " + method + " Not Allowed");
    }

    private static Reply error(final int status, final int errorCode, final String message) {
        return new Reply(status, JSON.createObjectNode().put("error_code", errorCode).put("message", message));
    }

    private static List<String> segments(final String rawPath) {
        final List<String> segments = new ArrayList<>();
        for (final String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                // A literal '+' in a path is a plus, not a space as in form encoding.
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    /** {@code {"schemas": [{"id": 1, "schema": "..."}], "subjects": {"topic-value": [1, 3]}}}: ids by version. */
    private void load() {
        if (!Files.exists(stateFile)) {
            return;
        }
        try {
            final JsonNode state = JSON.readTree(stateFile.toFile());
            for (final JsonNode entry : state.path("schemas")) {
                final int id = entry.get("id").asInt();
                final String text = new Schema.Parser().parse(entry.get("schema").asText()).toString();
                schemasById.put(id, text);
                idsBySchema.put(text, id);
            }
            state.path("subjects").properties().forEach(subject -> {
                final List<Integer> ids = new ArrayList<>();
                subject.getValue().forEach(id -> ids.add(id.asInt()));
                versionsBySubject.put(subject.getKey(), ids);
            });
        } catch (final IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the schema registry state " + stateFile + ": " + e.getMessage(), e);
        }
    }

    private void save() {
        final ObjectNode state = JSON.createObjectNode();
        final ArrayNode schemas = state.putArray("schemas");
        schemasById.forEach((id, text) -> schemas.addObject().put("id", id).put("schema", text));
        final ObjectNode subjects = state.putObject("subjects");
        versionsBySubject.forEach((subject, ids) -> ids.forEach(subjects.putArray(subject)::add));
        try {
            AtomicFile.write(stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot serialise the schema registry state: " + e.getMessage(), e);
        }
    }
}
