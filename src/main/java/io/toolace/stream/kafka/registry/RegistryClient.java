package io.toolace.stream.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.kafka.ClientSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for any registry speaking Confluent's REST API (Confluent Schema Registry, Karapace,
 * Redpanda, Apicurio under {@code /apis/ccompat/v7}), for Avro schemas.
 *
 * <p>Schemas by id and ids by (subject, schema) are cached for the life of the client: an id never
 * changes meaning in a registry, so after warm-up the serdes make no requests at all.
 * Thread-safe.
 */
public final class RegistryClient {

    /** Settings keys as Confluent's clients name them, for {@link #fromSettings}. */
    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Confluent's serdes also take the registry's settings under this prefix, as TOOLACE_SCHEMA_REGISTRY_* sets them. */
    public static final String PREFIX = "schema.registry.";
    /** The trust store for an https registry whose certificate the JVM's default trust store does not know. */
    public static final String SSL_TRUSTSTORE_LOCATION = PREFIX + "ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = PREFIX + "ssl.truststore.password";
    /** A {@link KeyStore} type ({@code PKCS12}, {@code JKS}) or {@code PEM} for a file of certificates. */
    public static final String SSL_TRUSTSTORE_TYPE = PREFIX + "ssl.truststore.type";
    /**
     * How many entries each of the client's caches holds (schemas by id, ids by subject and schema).
     * Confluent's name; its client bounds per subject, this one per cache, which for a pipeline's
     * handful of subjects is the same thing.
     */
    public static final String MAX_SCHEMAS = "max.schemas.per.subject";
    static final int DEFAULT_MAX_SCHEMAS = 1000;

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final int cacheCapacity;
    private final BoundedCache<Integer, Schema> schemasById;
    private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema;

    private record SubjectSchema(String subject, Schema schema) {}

    /**
     * @param baseUrl the registry's base URL, with a path prefix if it has one
     * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null for none
     * @param timeout for connecting and for each request
     */
    public RegistryClient(final String baseUrl, final String basicAuthUserInfo, final Duration timeout) {
        this(baseUrl, basicAuthUserInfo, timeout, null, DEFAULT_MAX_SCHEMAS);
    }

    /**
     * As above, trusting the certificates of {@code sslContext} for https, or the JVM's default ones when null,
     * and caching up to {@code cacheCapacity} answers of each kind.
     */
    private RegistryClient(final String baseUrl, final String basicAuthUserInfo, final Duration timeout,
            final SSLContext sslContext, final int cacheCapacity) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        final URI uri = URI.create(baseUrl.trim());
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Schema registry URL must be http or https: " + baseUrl);
        }
        this.baseUrl = uri.toString().replaceAll("/+$", "");
        this.authorization = Optional.ofNullable(basicAuthUserInfo).map(userInfo ->
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        // HTTP/1.1: registries are plain REST servers, and an h2c upgrade attempt only costs a round trip.
        final HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
        if (sslContext != null) {
            http.sslContext(sslContext);
        }
        this.http = http.build();
        this.cacheCapacity = cacheCapacity;
        this.schemasById = new BoundedCache<>(cacheCapacity);
        this.idsBySubjectSchema = new BoundedCache<>(cacheCapacity);
    }

    public RegistryClient(final String baseUrl) {
        this(baseUrl, null, DEFAULT_TIMEOUT);
    }

    /** From {@value #URL} and the settings {@link #fromSettings(String, Map)} reads. */
    public static RegistryClient fromSettings(final Map<String, ?> settings) {
        final Object url = settings.get(URL);
        if (url == null) {
            throw new IllegalArgumentException("Missing setting " + URL);
        }
        return fromSettings(url.toString(), settings);
    }

    /**
     * A client of the registry at {@code url} with the optional settings {@value #BASIC_AUTH_USER_INFO}
     * ({@code user:password}, also read under the {@value #PREFIX} prefix) and the
     * {@value #SSL_TRUSTSTORE_LOCATION} trust store with its password and type. A value may be a
     * reference to a secret, e.g. {@code ${file:/run/secrets/registry.properties:user.info}}, through
     * the {@code config.providers} of the same settings, as in a Kafka client's settings. The caches
     * hold {@value #MAX_SCHEMAS} entries each (default 1000; also read under the prefix).
     *
     * @throws IllegalArgumentException when the trust store cannot be read or a number is not one
     */
    public static RegistryClient fromSettings(final String url, final Map<String, ?> settings) {
        final Map<String, Object> own = new HashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX) || key.equals(BASIC_AUTH_USER_INFO) || key.equals(MAX_SCHEMAS)
                    || key.startsWith("config.providers")) {
                own.put(key, value);
            }
        });
        final Map<String, String> resolved = ClientSettings.resolve(own);
        final String userInfo = resolved.getOrDefault(PREFIX + BASIC_AUTH_USER_INFO, resolved.get(BASIC_AUTH_USER_INFO));
        return new RegistryClient(url, userInfo, DEFAULT_TIMEOUT, sslContext(resolved),
                positiveInt(resolved, resolved.containsKey(PREFIX + MAX_SCHEMAS) ? PREFIX + MAX_SCHEMAS : MAX_SCHEMAS,
                        DEFAULT_MAX_SCHEMAS));
    }

    private static int positiveInt(final Map<String, String> settings, final String key, final int otherwise) {
        final String text = settings.get(key);
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            final int value = Integer.parseInt(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (final NumberFormatException e) {
            // Reported below, with the setting's name.
        }
        throw new IllegalArgumentException("Setting " + key + " must be a positive number, not '" + text + "'");
    }

    private static SSLContext sslContext(final Map<String, String> settings) {
        final String location = settings.get(SSL_TRUSTSTORE_LOCATION);
        if (location == null || location.isBlank()) {
            return null;
        }
        final String type = settings.getOrDefault(SSL_TRUSTSTORE_TYPE, KeyStore.getDefaultType());
        final String password = settings.get(SSL_TRUSTSTORE_PASSWORD);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            final KeyStore trusted;
            if ("PEM".equalsIgnoreCase(type)) {
                trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int n = 0;
                for (final Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("ca-" + n++, certificate);
                }
            } else {
                trusted = KeyStore.getInstance(type);
                trusted.load(in, password == null ? null : password.toCharArray());
            }
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (final IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the registry trust store " + location + " (" + type + "): "
                    + e.getMessage(), e);
        }
    }

    public String url() {
        return baseUrl;
    }

    /** How many entries each cache of this client holds; the serdes bound theirs alike. */
    public int cacheCapacity() {
        return cacheCapacity;
    }

    /**
     * Registers the schema under the subject (a no-op on the registry's side when it is already
     * there) and returns its global id.
     *
     * @throws RegistryException e.g. status 409 when the schema is incompatible with the subject's latest
     */
    public int register(final String subject, final Schema schema) {
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        final JsonNode answer = send("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(schema));
        return remember(key, requiredField(answer, "id", "register").asInt());
    }

    /**
     * The global id of the schema as registered under the subject, without registering it: for
     * producers that may not change the registry. Registries compare the schema, not its text, so
     * whitespace and attribute order do not matter.
     *
     * @throws RegistryException with {@link RegistryException#isNotFound()} when the subject does
     *     not exist or does not hold the schema
     */
    public int lookup(final String subject, final Schema schema) {
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        final JsonNode answer = send("POST", "/subjects/" + segment(subject), schemaBody(schema));
        return remember(key, requiredField(answer, "id", "lookup").asInt());
    }

    private int remember(final SubjectSchema key, final int id) {
        idsBySubjectSchema.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, key.schema());
        return id;
    }

    /**
     * The schema with this global id.
     *
     * @throws RegistryException with error code {@link RegistryException#SCHEMA_NOT_FOUND} for an unknown id
     */
    public Schema schemaById(final int id) {
        final Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        final JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        final JsonNode type = answer.get("schemaType");
        if (type != null && !"AVRO".equals(type.asText())) {
            throw new RegistryException("Schema " + id + " in " + baseUrl + " is " + type.asText() + ", not Avro", 200, -1);
        }
        // Other fields (references, subject, version, maxId) vary between registries and say nothing about Avro.
        final Schema schema = parse(requiredField(answer, "schema", "schema by id").asText(), "schema " + id);
        final Schema previous = schemasById.putIfAbsent(id, schema);
        return previous == null ? schema : previous;
    }

    /**
     * Whether the schema may be registered next under the subject, under the subject's
     * compatibility level. A subject that does not exist yet accepts any schema.
     */
    public boolean isCompatible(final String subject, final Schema schema) {
        try {
            final JsonNode answer = send("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest",
                    schemaBody(schema));
            return requiredField(answer, "is_compatible", "compatibility check").asBoolean();
        } catch (final RegistryException e) {
            // Older registries answer "subject not found" rather than "compatible" for a new subject.
            if (e.errorCode() == RegistryException.SUBJECT_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    public List<String> subjects() {
        final JsonNode answer = send("GET", "/subjects", null);
        if (!answer.isArray()) {
            throw new RegistryException("Unexpected answer from " + baseUrl + "/subjects: " + answer, 200, -1);
        }
        final List<String> subjects = new ArrayList<>();
        answer.forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    private JsonNode send(final String method, final String path, final String body) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        final HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new RegistryException("Schema registry " + method + " " + baseUrl + path + " failed: " + e, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("Interrupted during schema registry " + method + " " + baseUrl + path, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw errorOf(method, path, response);
        }
        try {
            return JSON.readTree(response.body());
        } catch (final IOException e) {
            throw new RegistryException("Schema registry " + method + " " + baseUrl + path
                    + " answered with malformed JSON: " + abbreviate(response.body()), e);
        }
    }

    /** Confluent's error body is {@code {"error_code": 40403, "message": "Schema not found"}}; others send text or HTML. */
    private RegistryException errorOf(final String method, final String path, final HttpResponse<String> response) {
        int errorCode = -1;
        String message = abbreviate(response.body());
        try {
            final JsonNode error = JSON.readTree(response.body());
            if (error != null && error.has("error_code")) {
                errorCode = error.get("error_code").asInt();
                message = error.path("message").asText(message);
            }
        } catch (final IOException notJson) {
            // Keep the raw body as the message: a proxy or a non-registry server answered.
        }
        return new RegistryException("Schema registry " + method + " " + baseUrl + path + " failed: HTTP "
                + response.statusCode() + (errorCode >= 0 ? " (error_code " + errorCode + ")" : "") + ": " + message,
                response.statusCode(), errorCode);
    }

    private static String schemaBody(final Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private JsonNode requiredField(final JsonNode answer, final String field, final String what) {
        final JsonNode value = answer.get(field);
        if (value == null || value.isNull()) {
            throw new RegistryException("Schema registry " + baseUrl + " answered the " + what + " without '"
                    + field + "': " + abbreviate(answer.toString()), 200, -1);
        }
        return value;
    }

    static Schema parse(final String text, final String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (final SchemaParseException e) {
            throw new RegistryException("Invalid Avro " + what + ": " + e.getMessage(), 200, -1);
        }
    }

    /** A subject as one path segment: topic names may hold characters with a meaning in URLs. */
    private static String segment(final String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(final String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
