package io.toolace.stream.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * A schema registry on loopback that answers as one of the registries the serde must work with:
 * the endpoints a serializer uses, with that registry's base path, content type, error codes and
 * extra fields. Only what differs between them is modelled; compatibility checks are not (the
 * embedded registry's tests cover them).
 */
final class DialectRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFLUENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /** How each registry differs from Confluent's. */
    enum Dialect {
        CONFLUENT("", CONFLUENT_TYPE, RegistryException.SCHEMA_NOT_FOUND, false, false, false),
        /**
         * Apicurio's Confluent-compatible API: under {@code /apis/ccompat/v7}, plain JSON, {@code schemaType}
         * and {@code references} even for Avro, error bodies with {@code detail} and the exception's
         * {@code name}, and 40401 rather than 40403 for a schema a subject does not hold
         * (Apicurio/apicurio-registry#2226).
         */
        APICURIO("/apis/ccompat/v7", "application/json", RegistryException.SUBJECT_NOT_FOUND, true, false, false),
        /** Karapace answers 415 to a body whose content type is not one of the registry's or JSON. */
        KARAPACE("", CONFLUENT_TYPE, RegistryException.SCHEMA_NOT_FOUND, false, true, false),
        /** Stores schemas in a normal form of its own, so the text served by id is not the text registered. */
        REDPANDA("", CONFLUENT_TYPE, RegistryException.SCHEMA_NOT_FOUND, false, false, true);

        final String basePath;
        final String contentType;
        final int schemaNotInSubjectCode;
        final boolean apicurioBodies;
        final boolean strictContentType;
        final boolean normalisesSchemas;

        Dialect(final String basePath, final String contentType, final int schemaNotInSubjectCode,
                final boolean apicurioBodies, final boolean strictContentType, final boolean normalisesSchemas) {
            this.basePath = basePath;
            this.contentType = contentType;
            this.schemaNotInSubjectCode = schemaNotInSubjectCode;
            this.apicurioBodies = apicurioBodies;
            this.strictContentType = strictContentType;
            this.normalisesSchemas = normalisesSchemas;
        }
    }

    private static final Set<String> KARAPACE_BODY_TYPES = Set.of(CONFLUENT_TYPE,
            "application/vnd.schemaregistry+json", "application/json", "application/octet-stream");

    private final Dialect dialect;
    private final HttpServer server;
    // Guarded by this.
    private final Map<Integer, String> schemasById = new TreeMap<>();
    private final Map<String, List<Integer>> idsBySubject = new LinkedHashMap<>();
    private final List<String> requests = new ArrayList<>();

    private DialectRegistry(final Dialect dialect) throws IOException {
        this.dialect = dialect;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    static DialectRegistry start(final Dialect dialect) throws IOException {
        return new DialectRegistry(dialect);
    }

    /** The URL a client is given, with the dialect's base path. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + dialect.basePath;
    }

    /** Every request so far as {@code METHOD /path}, the path below the base path. */
    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    synchronized Set<String> subjects() {
        return new LinkedHashSet<>(idsBySubject.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private record Reply(int status, JsonNode body) {}

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String rawPath = exchange.getRequestURI().getRawPath();
            Reply reply;
            if (!rawPath.startsWith(dialect.basePath + "/")) {
                reply = error(404, RegistryException.SUBJECT_NOT_FOUND, "HTTP 404 Not Found");
            } else {
                final String path = rawPath.substring(dialect.basePath.length());
                synchronized (this) {
                    requests.add(exchange.getRequestMethod() + " " + decode(path));
                }
                reply = route(exchange, exchange.getRequestMethod(), path.substring(1).split("/"));
            }
            final byte[] body = JSON.writeValueAsBytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", dialect.contentType);
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Reply route(final HttpExchange exchange, final String method, final String[] path) throws IOException {
        if (method.equals("POST") && dialect.strictContentType
                && !KARAPACE_BODY_TYPES.contains(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            return error(415, 415, "HTTP 415 Unsupported Media Type");
        }
        if (method.equals("GET") && path.length == 1 && path[0].equals("subjects")) {
            return new Reply(200, JSON.valueToTree(subjects()));
        }
        if (method.equals("GET") && path.length == 3 && path[0].equals("schemas") && path[1].equals("ids")) {
            return schemaById(Integer.parseInt(path[2]));
        }
        if (method.equals("POST") && path.length == 3 && path[0].equals("subjects") && path[2].equals("versions")) {
            return register(decode(path[1]), schemaOf(exchange));
        }
        if (method.equals("POST") && path.length == 2 && path[0].equals("subjects")) {
            return lookup(decode(path[1]), schemaOf(exchange));
        }
        return error(404, 404, "HTTP 404 Not Found");
    }

    private synchronized Reply schemaById(final int id) {
        final String text = schemasById.get(id);
        if (text == null) {
            return error(404, RegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        final ObjectNode answer = JSON.createObjectNode().put("schema", text);
        if (dialect.apicurioBodies) {
            answer.put("schemaType", "AVRO").putArray("references");
        }
        return new Reply(200, answer);
    }

    private synchronized Reply register(final String subject, final Schema schema) {
        final String text = stored(schema);
        final int id = schemasById.entrySet().stream().filter(e -> e.getValue().equals(text))
                .map(Map.Entry::getKey).findFirst().orElse(schemasById.size() + 1);
        schemasById.put(id, text);
        final List<Integer> versions = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return new Reply(200, JSON.createObjectNode().put("id", id));
    }

    private synchronized Reply lookup(final String subject, final Schema schema) {
        final List<Integer> versions = idsBySubject.get(subject);
        if (versions == null) {
            return error(404, RegistryException.SUBJECT_NOT_FOUND, dialect.apicurioBodies
                    ? "No artifact with ID '" + subject + "' in group 'null' was found."
                    : "Subject '" + subject + "' not found.");
        }
        final String text = stored(schema);
        for (int i = 0; i < versions.size(); i++) {
            if (schemasById.get(versions.get(i)).equals(text)) {
                return new Reply(200, JSON.createObjectNode().put("subject", subject).put("version", i + 1)
                        .put("id", versions.get(i)).put("schema", text));
            }
        }
        return error(404, dialect.schemaNotInSubjectCode, "Schema not found");
    }

    private String stored(final Schema schema) {
        return dialect.normalisesSchemas ? schema.toString(true) : schema.toString();
    }

    private Reply error(final int status, final int code, final String message) {
        final ObjectNode body = JSON.createObjectNode().put("error_code", code).put("message", message);
        if (dialect.apicurioBodies) {
            body.put("detail", "io.apicurio.registry.storage.NotFoundException: " + message).put("name", "NotFoundException");
        }
        return new Reply(status, body);
    }

    private static Schema schemaOf(final HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new Schema.Parser().parse(JSON.readTree(in).get("schema").asText());
        }
    }

    private static String decode(final String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
