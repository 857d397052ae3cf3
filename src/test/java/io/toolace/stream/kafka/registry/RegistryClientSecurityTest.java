package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client against an https registry on loopback that asks for basic auth. */
class RegistryClientSecurityTest {

    private static final String STORE_PASSWORD = "changeit";
    private static final String TRUST_PASSWORD = "trust-pass";

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static String url;
    private static Path pem;
    private static Path pkcs12;

    /** A certificate for 127.0.0.1, made as an operator would make one, with the JDK's keytool. */
    @BeforeAll
    static void startRegistry() throws Exception {
        final Path serverStore = dir.resolve("server.p12");
        pem = dir.resolve("ca.pem");
        pkcs12 = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-keystore", serverStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", serverStore.toString(),
                "-storepass", STORE_PASSWORD, "-file", pem.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", pem.toString(),
                "-keystore", pkcs12.toString(), "-storetype", "PKCS12", "-storepass", TRUST_PASSWORD);

        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        final KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD.toCharArray());
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            final byte[] body = "[\"toolace.samples.verified-value\"]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", RegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }).setAuthenticator(new BasicAuthenticator("registry") {
            @Override
            public boolean checkCredentials(final String user, final String password) {
                return user.equals("toolace") && password.equals("reg-s3cret");
            }
        });
        server.start();
        url = "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopRegistry() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aPemTrustStoreAndBasicAuthFromASecretFileReachTheRegistry() throws Exception {
        final Path secrets = dir.resolve("registry-secrets.properties");
        Files.writeString(secrets, "user.info=toolace:reg-s3cret\n", StandardCharsets.UTF_8);

        final RegistryClient client = RegistryClient.fromSettings(url, Map.of(
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "schema.registry.basic.auth.user.info", "${file:" + secrets + ":user.info}",
                RegistryClient.SSL_TRUSTSTORE_LOCATION, pem.toString(),
                RegistryClient.SSL_TRUSTSTORE_TYPE, "PEM"));

        assertThat(client.subjects()).containsExactly("toolace.samples.verified-value");
    }

    @Test
    void aPkcs12TrustStoreWithItsPasswordWorksToo() {
        final RegistryClient client = RegistryClient.fromSettings(url, Map.of(
                RegistryClient.BASIC_AUTH_USER_INFO, "toolace:reg-s3cret",
                RegistryClient.SSL_TRUSTSTORE_LOCATION, pkcs12.toString(),
                RegistryClient.SSL_TRUSTSTORE_PASSWORD, TRUST_PASSWORD,
                RegistryClient.SSL_TRUSTSTORE_TYPE, "PKCS12"));

        assertThat(client.subjects()).containsExactly("toolace.samples.verified-value");
    }

    @Test
    void anUntrustedCertificateOrWrongCredentialsAreRefused() {
        final RegistryClient untrusting = RegistryClient.fromSettings(url,
                Map.of(RegistryClient.BASIC_AUTH_USER_INFO, "toolace:reg-s3cret"));
        final RegistryClient wrongPassword = RegistryClient.fromSettings(url, Map.of(
                RegistryClient.BASIC_AUTH_USER_INFO, "toolace:guess",
                RegistryClient.SSL_TRUSTSTORE_LOCATION, pem.toString(),
                RegistryClient.SSL_TRUSTSTORE_TYPE, "PEM"));

        assertThatThrownBy(untrusting::subjects).isInstanceOf(RegistryException.class)
                .hasMessageContaining(url + "/subjects failed");
        assertThatThrownBy(wrongPassword::subjects).isInstanceOf(RegistryException.class)
                .hasMessageContaining("HTTP 401");
        assertThatThrownBy(() -> RegistryClient.fromSettings(url, Map.of(
                RegistryClient.SSL_TRUSTSTORE_LOCATION, pkcs12.toString(),
                RegistryClient.SSL_TRUSTSTORE_PASSWORD, "wrong",
                RegistryClient.SSL_TRUSTSTORE_TYPE, "PKCS12")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pkcs12.toString())
                .hasMessageNotContaining("wrong");
    }

    private static void keytool(final String... args) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }
}
