package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.SeedDocument;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema V1 = schema("{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"string\"}]}");
    private static final Schema V2_WITH_DEFAULT = schema("{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":7}]}");
    private static final Schema V3_WITHOUT_DEFAULT = schema("{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":["
            + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":7},{\"name\":\"c\",\"type\":\"long\"}]}");

    @TempDir
    Path dataDir;

    private EmbeddedRegistry registry;

    @BeforeEach
    void start() {
        registry = EmbeddedRegistry.start(dataDir);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void idsAreGlobalStableAndSharedByIdenticalSchemas() {
        // Given
        final RegistryClient client = new RegistryClient(registry.url());
        final Schema draft = DialogDraft.getClassSchema();

        // When
        final int id = client.register("dialog.drafts-value", draft);
        final int again = new RegistryClient(registry.url()).register("dialog.drafts-value", draft);
        final int otherSubject = client.register("dialog.replay.drafts-value", draft);
        final int otherSchema = client.register("api.seeds-value", SeedDocument.getClassSchema());

        // Then
        assertThat(again).isEqualTo(id);
        assertThat(otherSubject).isEqualTo(id);
        assertThat(otherSchema).isNotEqualTo(id);
        assertThat(new RegistryClient(registry.url()).schemaById(id)).isEqualTo(draft);
        assertThat(client.subjects()).containsExactlyInAnyOrder("dialog.drafts-value", "dialog.replay.drafts-value", "api.seeds-value");
    }

    @Test
    void schemasAndIdsSurviveARestartOnTheSameDirectory() {
        // Given
        final int draftId = new RegistryClient(registry.url()).register("drafts-value", DialogDraft.getClassSchema());
        final int seedId = new RegistryClient(registry.url()).register("seeds-value", SeedDocument.getClassSchema());
        registry.close();

        // When
        registry = EmbeddedRegistry.start(dataDir);
        final RegistryClient client = new RegistryClient(registry.url());

        // Then
        assertThat(client.schemaById(draftId)).isEqualTo(DialogDraft.getClassSchema());
        assertThat(client.schemaById(seedId)).isEqualTo(SeedDocument.getClassSchema());
        assertThat(client.register("drafts-value", DialogDraft.getClassSchema())).isEqualTo(draftId);
        assertThat(client.register("things-value", V1)).isGreaterThan(Math.max(draftId, seedId));
        assertThat(client.subjects()).containsExactlyInAnyOrder("drafts-value", "seeds-value", "things-value");
    }

    @Test
    void aNewFieldWithoutDefaultIsIncompatibleAndRefused() {
        // Given
        final RegistryClient client = new RegistryClient(registry.url());
        assertThat(client.isCompatible("things-value", V1)).as("a new subject accepts anything").isTrue();
        client.register("things-value", V1);

        // Then
        assertThat(client.isCompatible("things-value", V2_WITH_DEFAULT)).isTrue();
        client.register("things-value", V2_WITH_DEFAULT);
        assertThat(client.isCompatible("things-value", V3_WITHOUT_DEFAULT)).isFalse();
        assertThatThrownBy(() -> client.register("things-value", V3_WITHOUT_DEFAULT))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(RegistryException.INCOMPATIBLE_SCHEMA);
                })
                .hasMessageContaining("HTTP 409")
                .hasMessageContaining("incompatible")
                .hasMessageContaining("c");
    }

    @Test
    void lookupFindsARegisteredSchemaAndSaysWhetherTheSubjectOrTheSchemaIsMissing() {
        final RegistryClient client = new RegistryClient(registry.url());
        assertThatThrownBy(() -> client.lookup("things-value", V1))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(RegistryException.SUBJECT_NOT_FOUND);
                });
        final int v1 = client.register("things-value", V1);
        assertThatThrownBy(() -> client.lookup("things-value", V2_WITH_DEFAULT))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
                });
        final int v2 = client.register("things-value", V2_WITH_DEFAULT);

        assertThat(new RegistryClient(registry.url()).lookup("things-value", V1)).isEqualTo(v1);
        assertThat(new RegistryClient(registry.url()).lookup("things-value", V2_WITH_DEFAULT)).isEqualTo(v2);
    }

    @Test
    void versionEndpointsAnswerLikeConfluent() throws Exception {
        final RegistryClient client = new RegistryClient(registry.url());
        final int v1 = client.register("things-value", V1);
        final int v2 = client.register("things-value", V2_WITH_DEFAULT);

        assertThat(get("/subjects/things-value/versions").body().toString()).isEqualTo("[1,2]");
        final JsonNode latest = get("/subjects/things-value/versions/latest").body();
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(v2);
        assertThat(latest.get("subject").asText()).isEqualTo("things-value");
        assertThat(schema(latest.get("schema").asText())).isEqualTo(V2_WITH_DEFAULT);
        assertThat(get("/subjects/things-value/versions/1").body().get("id").asInt()).isEqualTo(v1);
        assertThat(get("/config").body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        final Response missingSubject = get("/subjects/nothing-value/versions");
        assertThat(missingSubject.status()).isEqualTo(404);
        assertThat(missingSubject.body().get("error_code").asInt()).isEqualTo(40401);
        assertThat(get("/subjects/things-value/versions/3").body().get("error_code").asInt()).isEqualTo(40402);
        assertThat(get("/schemas/ids/999").body().get("error_code").asInt()).isEqualTo(40403);
        assertThat(get("/subjects/things-value/versions/first").body().get("error_code").asInt()).isEqualTo(42202);
        assertThat(get("/nowhere").status()).isEqualTo(404);

        final Response invalid = send("POST", "/subjects/things-value/versions", "{\"schema\": \"{\\\"type\\\": \\\"nothing\\\"}\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("error_code").asInt()).isEqualTo(42201);
        assertThat(invalid.body().get("message").asText()).startsWith("Invalid schema");
        assertThat(send("DELETE", "/subjects/things-value/versions", null).status()).isEqualTo(405);
    }

    @Test
    void concurrentRegistrationsOfOneSchemaMakeOneVersion() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                // A fresh client each time, so every call reaches the registry.
                ids.add(pool.submit(() -> new RegistryClient(registry.url()).register("things-value", V1)));
            }
            final Set<Integer> distinct = new HashSet<>();
            for (final Future<Integer> id : ids) {
                distinct.add(id.get());
            }
            assertThat(distinct).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(get("/subjects/things-value/versions").body().toString()).isEqualTo("[1]");
    }

    @Test
    void aSecondRegistryOnTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> EmbeddedRegistry.start(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is in use");
        assertThat(new RegistryClient(registry.url()).subjects()).isEmpty();
    }

    @Test
    void aDamagedStateFileStopsTheStartWithItsPath() throws Exception {
        registry.close();
        final Path stateFile = dataDir.resolve("registry").resolve("schemas.json");
        Files.createDirectories(stateFile.getParent());
        Files.writeString(stateFile, "{\"schemas\": [{\"id\": 1, \"schema\": \"{not avro\"}]}");

        assertThatThrownBy(() -> EmbeddedRegistry.start(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot read the schema registry state " + stateFile);
        registry = EmbeddedRegistry.start(dataDir.resolve("elsewhere"));
    }

    @Test
    void unknownIdsFailWithTheRegistrysMessage() {
        final RegistryClient client = new RegistryClient(registry.url());

        assertThatThrownBy(() -> client.schemaById(999))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
                })
                .hasMessageContaining("GET " + registry.url() + "/schemas/ids/999")
                .hasMessageContaining("Schema 999 not found");
    }

    @Test
    void subjectsWithCharactersThatMeanSomethingInUrlsRoundTrip() {
        final RegistryClient client = new RegistryClient(registry.url());
        final String subject = "team a/b+c?d-value";

        final int id = client.register(subject, V1);

        assertThat(client.subjects()).containsExactly(subject);
        assertThat(client.register(subject, V1)).isEqualTo(id);
    }

    @Test
    void basicAuthIsSentAndANonJsonErrorBodyBecomesTheMessage() throws Exception {
        // Given a server that refuses everyone, as a proxy in front of a registry would
        final AtomicReference<String> authorization = new AtomicReference<>();
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            final byte[] body = "<html>401 Authorization Required</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            final String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
            final RegistryClient client = RegistryClient.fromSettings(Map.of(
                    RegistryClient.URL, url, RegistryClient.BASIC_AUTH_USER_INFO, "alice:s3cret"));

            // When / Then
            assertThatThrownBy(client::subjects)
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(-1))
                    .hasMessageContaining("GET http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/subjects")
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("401 Authorization Required");
            assertThat(authorization.get()).isEqualTo("Basic YWxpY2U6czNjcmV0");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableRegistryFailsWithItsAddress() {
        final RegistryClient client = new RegistryClient("http://127.0.0.1:1", null, Duration.ofSeconds(2));

        assertThatThrownBy(client::subjects)
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("GET http://127.0.0.1:1/subjects failed");
    }

    private record Response(int status, JsonNode body) {}

    private Response get(final String path) throws Exception {
        return send("GET", path, null);
    }

    private Response send(final String method, final String path, final String body) throws Exception {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.url() + path))
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
        return new Response(response.statusCode(), JSON.readTree(response.body()));
    }

    private static Schema schema(final String json) {
        return new Schema.Parser().parse(json);
    }
}
