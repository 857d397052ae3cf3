package io.toolace.stream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.security.auth.login.AppConfigurationEntry;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster inside this JVM: one KRaft node in combined mode (broker and
 * controller), listening on loopback only.
 *
 * <p>Everything lives under {@code <dataDir>/kafka/}: the log directory ({@code logs/}, which also
 * holds the metadata log) and {@code embedded.properties} with the ports last used. Storage is
 * formatted with a new cluster id on first start only, so a restart on the same data directory
 * comes back as the same cluster with its topics, records and committed offsets. A restart reuses
 * the previous ports when they are still free and picks new ones otherwise; clients take the
 * address from {@link #bootstrapServers()} each time, so a changed port costs nothing.
 *
 * <p>The defaults suit one node running exactly-once Streams applications: replication factor 1
 * for the internal topics, no initial rebalance delay, a 4 s broker session (a restart after a crash
 * waits out the dead incarnation's session), no topic auto-creation (topics are created
 * explicitly, see {@link TopicAdmin}), and no time-based retention, because the data directory is
 * the user's store and a pipeline resumed after a week must still find its data.
 *
 * <p>One broker per data directory: a second start on a directory in use, in this process or
 * another, fails at once. {@link #close()} is idempotent and thread-safe, so it may also run from
 * a shutdown hook.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int SCRAM_ITERATIONS = 4096;
    /** A user name also becomes part of an option's key in a JAAS entry for PLAIN, where JAAS takes no quotes. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String STATE_FILE = "embedded.properties";
    private static final String LOCK_FILE = "embedded.lock";
    private static final String BROKER_PORT = "broker.port";
    private static final String CONTROLLER_PORT = "controller.port";
    /** Written by the formatter into each log directory; its presence means "formatted". */
    private static final String META_PROPERTIES = "meta.properties";

    private final Path kafkaDir;
    private final String clusterId;
    private final int brokerPort;
    private final KafkaRaftServer server;
    private final DirectoryLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(final Path kafkaDir, final String clusterId, final int brokerPort,
                          final KafkaRaftServer server, final DirectoryLock lock) {
        this.kafkaDir = kafkaDir;
        this.clusterId = clusterId;
        this.brokerPort = brokerPort;
        this.server = server;
        this.lock = lock;
    }

    /** Starts a broker with the default settings on {@code dataDir}, formatting it on first use. */
    public static EmbeddedKafka start(final Path dataDir) {
        return builder(dataDir).start();
    }

    public static Builder builder(final Path dataDir) {
        return new Builder(dataDir);
    }

    /** {@code host:port} of the broker listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public String clusterId() {
        return clusterId;
    }

    /** The directory holding this broker's logs and state, {@code <dataDir>/kafka}. */
    public Path directory() {
        return kafkaDir;
    }

    /** Shuts the broker down cleanly and waits for it; later calls return at once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        final long started = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        lock.close();
        LOG.info("Embedded Kafka {} at {} stopped in {} ms", clusterId, bootstrapServers(), millisSince(started));
    }

    /** Settings for {@link EmbeddedKafka}; extra broker properties override the defaults. */
    public static final class Builder {
        private final Path dataDir;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private ScramUser scramUser;

        private Builder(final Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /**
         * A broker setting applied after the defaults, e.g. {@code num.partitions} or
         * {@code log.retention.ms}. Listener settings are this class's own: {@link #bootstrapServers()}
         * reports the loopback listener it configures.
         */
        public Builder brokerProperty(final String key, final String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder brokerProperties(final Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /**
         * Guards the broker with the security its clients will use. When {@code clientSettings} ask for
         * {@code SASL_PLAINTEXT} with {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}, the client listener
         * authenticates with that mechanism and the user and password of their {@code sasl.jaas.config}
         * (references such as {@code ${file:...}} resolved) become a SCRAM user at every start, so a
         * changed password takes effect; the listeners the broker keeps for itself and its controller take
         * the same user over SASL/PLAIN, so no listener is left open. No {@code security.protocol}, or
         * {@code PLAINTEXT}, keeps plain listeners.
         *
         * @throws IllegalArgumentException for any other protocol or mechanism (the embedded broker has no
         *     certificates) or a JAAS config without a user name and password
         */
        public Builder clientSecurity(final Map<String, String> clientSettings) {
            final Map<String, Object> security = new LinkedHashMap<>();
            clientSettings.forEach((key, value) -> {
                if (key.startsWith("sasl.") || key.equals("security.protocol") || key.startsWith("config.providers")) {
                    security.put(key, value);
                }
            });
            final Map<String, String> settings = ClientSettings.resolve(security);
            final String protocol = settings.getOrDefault("security.protocol", "PLAINTEXT").trim().toUpperCase(Locale.ROOT);
            if (protocol.equals("PLAINTEXT")) {
                scramUser = null;
                return this;
            }
            final String mechanism = settings.getOrDefault("sasl.mechanism", "GSSAPI").trim().toUpperCase(Locale.ROOT);
            if (!protocol.equals("SASL_PLAINTEXT") || ScramMechanism.fromMechanismName(mechanism) == ScramMechanism.UNKNOWN) {
                throw new IllegalArgumentException("The embedded broker takes PLAINTEXT, or SASL_PLAINTEXT with "
                        + "SCRAM-SHA-256 or SCRAM-SHA-512, not " + protocol + " with " + mechanism);
            }
            final String jaas = settings.get(SaslConfigs.SASL_JAAS_CONFIG);
            if (jaas == null) {
                throw new IllegalArgumentException("SASL_PLAINTEXT for the embedded broker needs sasl.jaas.config");
            }
            final List<AppConfigurationEntry> entries = JaasContext.loadClientContext(
                    Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas))).configurationEntries();
            final String username = JaasContext.configEntryOption(entries, "username", null);
            final String password = JaasContext.configEntryOption(entries, "password", null);
            if (username == null || password == null || !USERNAME.matcher(username).matches()) {
                throw new IllegalArgumentException("sasl.jaas.config for the embedded broker needs username (letters, "
                        + "digits, . _ -) and password");
            }
            scramUser = new ScramUser(ScramMechanism.fromMechanismName(mechanism), username, password);
            return this;
        }

        /** How long the broker may take to start before start-up fails (default 60 s). */
        public Builder startupTimeout(final Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Formats the storage if needed, starts the broker and returns once it accepts clients.
         *
         * @throws IllegalStateException when the directory is in use by another embedded broker (in
         *     this process or another) or the broker fails to start
         */
        public EmbeddedKafka start() {
            final long started = System.nanoTime();
            final Path kafkaDir = dataDir.toAbsolutePath().resolve("kafka");
            final Path logDir = kafkaDir.resolve("logs");
            createDirectories(logDir);
            // Kafka locks its log directory too, but only after it has opened (and, failing, closed and
            // so trimmed the index files of) the metadata log, which corrupts the memory-mapped indexes
            // of a broker already running there: a second broker must be refused before Kafka starts.
            final DirectoryLock lock = DirectoryLock.acquire(kafkaDir, LOCK_FILE);
            try {
                final EmbeddedKafka kafka = startLocked(kafkaDir, logDir, lock);
                LOG.info("Embedded Kafka {} started at {} ({}) in {} ms (data dir {})", kafka.clusterId(),
                        kafka.bootstrapServers(), scramUser == null ? "PLAINTEXT"
                                : "SASL_PLAINTEXT " + scramUser.mechanism().mechanismName() + " as " + scramUser.username(),
                        millisSince(started), kafkaDir);
                return kafka;
            } catch (final RuntimeException e) {
                lock.close();
                throw e;
            }
        }

        private EmbeddedKafka startLocked(final Path kafkaDir, final Path logDir, final DirectoryLock lock) {
            final Path stateFile = kafkaDir.resolve(STATE_FILE);
            final Properties previous = readProperties(stateFile);
            // The third is for the internal listener of a SASL-guarded broker, on a new port each start.
            final int[] ports = loopbackPorts(portSetting(previous, BROKER_PORT, stateFile),
                    portSetting(previous, CONTROLLER_PORT, stateFile), OptionalInt.empty());
            final int brokerPort = ports[0];
            final int controllerPort = ports[1];
            final int internalPort = ports[2];

            final Map<String, String> serverProperties = serverProperties(logDir, brokerPort, controllerPort);
            if (scramUser != null) {
                serverProperties.putAll(scramUser.serverProperties(brokerPort, internalPort, controllerPort));
            }
            final KafkaConfig config = new KafkaConfig(serverProperties, false);
            if (!isFormatted(logDir)) {
                format(logDir, serverProperties);
            }
            final String clusterId = readClusterId(logDir);
            // Saved before start-up so that nothing can fail once the broker runs; ports that then fail
            // to bind are simply probed again next time.
            final Properties state = new Properties();
            state.setProperty(BROKER_PORT, Integer.toString(brokerPort));
            state.setProperty(CONTROLLER_PORT, Integer.toString(controllerPort));
            writeProperties(stateFile, state, "Ports of the embedded Kafka broker, reused on restart while free");

            final KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
                if (scramUser != null) {
                    scramUser.create(internalPort, brokerPort, startupTimeout);
                }
            } catch (final RuntimeException e) {
                // A half-started node still holds threads and sockets.
                server.shutdown();
                server.awaitShutdown();
                throw new IllegalStateException("Embedded Kafka failed to start on " + kafkaDir + ": " + e.getMessage(), e);
            }
            return new EmbeddedKafka(kafkaDir, clusterId, brokerPort, server, lock);
        }

        private Map<String, String> serverProperties(final Path logDir, final int brokerPort, final int controllerPort) {
            final Map<String, String> props = new LinkedHashMap<>();
            props.put("process.roles", "broker,controller");
            props.put("node.id", Integer.toString(NODE_ID));
            // A static voter set (kraft.version 0): the controller's address comes from this config, not
            // from the metadata log, so a restart may move the controller to another port.
            props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
            props.put("controller.listener.names", CONTROLLER_LISTENER);
            props.put("inter.broker.listener.name", BROKER_LISTENER);
            props.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                    + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
            props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
            props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put("log.dirs", logDir.toString());
            props.put("metadata.log.dir", logDir.toString());
            props.put("server.max.startup.time.ms", Long.toString(startupTimeout.toMillis()));

            props.put("auto.create.topics.enable", "false");
            props.put("num.partitions", "1");
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            // After a crash the controller refuses the restarted broker's new registration until the dead
            // incarnation's session expires: with the 9 s default every restart after a kill waited 9 s for a
            // broker that lives in this same process. Broker and controller share the JVM, so only a stall of
            // the whole process could miss 4 s of 1 s heartbeats.
            props.put("broker.session.timeout.ms", "4000");
            props.put("broker.heartbeat.interval.ms", "1000");

            // The data directory is the user's store: keep records and committed offsets until told otherwise.
            props.put("log.retention.ms", "-1");
            props.put("offsets.retention.minutes", Integer.toString(10 * 365 * 24 * 60));
            // Smaller segments let compaction reach records sooner; a smaller cleaner buffer saves 120 MB of heap.
            props.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
            props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
            // One node on a small machine next to the pipeline's own threads.
            props.put("num.network.threads", "2");
            props.put("num.io.threads", "4");
            props.put("background.threads", "4");

            props.putAll(brokerProperties);
            return props;
        }

        /**
         * Formats the log directory for a new cluster through {@code kafka-storage format}, the
         * documented entry point: {@code Formatter} itself is not on the compile class path (the
         * server jar's modules are runtime dependencies), and the tool's arguments are stabler than
         * its setters. The tool reads a config file, so the broker config goes to a temporary one,
         * but for its secrets (the JAAS configs of a SASL-guarded broker), which the tool does not need.
         */
        private static void format(final Path logDir, final Map<String, String> serverProperties) {
            final String newClusterId = Uuid.randomUuid().toString();
            final Properties formatConfig = new Properties();
            serverProperties.forEach((key, value) -> {
                if (!ClientSettings.isSecret(key)) {
                    formatConfig.setProperty(key, value);
                }
            });
            final Path configFile = logDir.resolveSibling("format.properties");
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final int exitCode;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                writeProperties(configFile, formatConfig, "Settings for kafka-storage format; deleted after use");
                exitCode = StorageTool.execute(new String[] {
                    "format", "--config", configFile.toString(), "--cluster-id", newClusterId}, printStream);
            } catch (final RuntimeException e) {
                throw new IllegalStateException("Cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
            } finally {
                deleteIfExists(configFile);
            }
            final String report = output.toString(StandardCharsets.UTF_8).trim();
            if (exitCode != 0) {
                throw new IllegalStateException("Cannot format Kafka storage in " + logDir + " (exit code "
                        + exitCode + "): " + report);
            }
            LOG.info("Formatted new Kafka storage for cluster {} in {}", newClusterId, logDir);
            LOG.debug("kafka-storage format: {}", report);
        }
    }

    /**
     * The one user of a SASL-guarded embedded broker. Its SCRAM credential lives in the metadata log,
     * so the broker cannot use SCRAM for itself before the credential is there: it talks to itself and
     * to its controller over listeners of their own that take the same user with PLAIN from a static
     * JAAS entry, and the SCRAM user is set through the broker's own listener after start.
     */
    private record ScramUser(ScramMechanism mechanism, String username, String password) {

        private static final String CLIENT_LISTENER = "SASL_PLAINTEXT";
        private static final String INTERNAL_LISTENER = "INTERNAL";

        Map<String, String> serverProperties(final int brokerPort, final int internalPort, final int controllerPort) {
            final String scram = mechanism.mechanismName();
            final String brokerListeners = CLIENT_LISTENER + "://" + HOST + ":" + brokerPort + ","
                    + INTERNAL_LISTENER + "://" + HOST + ":" + internalPort;
            final String plain = jaas(PlainLoginModule.class, Map.of("user_" + username, password));
            final Map<String, String> props = new LinkedHashMap<>();
            props.put("listeners", brokerListeners + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
            props.put("advertised.listeners", brokerListeners);
            props.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_PLAINTEXT," + INTERNAL_LISTENER
                    + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
            props.put("inter.broker.listener.name", INTERNAL_LISTENER);
            props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            props.put("sasl.mechanism.controller.protocol", "PLAIN");
            props.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", scram);
            // The broker only verifies SCRAM logins here, against the metadata log: it needs no credential.
            props.put("listener.name.sasl_plaintext." + scram.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    ScramLoginModule.class.getName() + " required;");
            props.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
            props.put("listener.name.internal.plain.sasl.jaas.config", plain);
            props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            props.put("listener.name.controller.plain.sasl.jaas.config", plain);
            return props;
        }

        /** Sets the SCRAM user through the internal listener and waits until the client listener lets it in. */
        void create(final int internalPort, final int brokerPort, final Duration timeout) {
            final Properties internal = new Properties();
            internal.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + internalPort);
            internal.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            internal.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
            internal.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(PlainLoginModule.class, Map.of()));
            try (Admin admin = Admin.create(internal)) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(username,
                        new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), password)))
                        .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Cannot create SCRAM user " + username + ": " + e.getMessage(), e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating SCRAM user " + username, e);
            }
            awaitAuthenticated(brokerPort, timeout);
        }

        /** The broker applies the new credential from the metadata log a moment after the controller commits it. */
        private void awaitAuthenticated(final int brokerPort, final Duration timeout) {
            final Properties client = new Properties();
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort);
            client.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            client.put(SaslConfigs.SASL_MECHANISM, mechanism.mechanismName());
            client.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(ScramLoginModule.class, Map.of()));
            final long deadline = System.nanoTime() + timeout.toNanos();
            for (int attempt = 0; ; attempt++) {
                try {
                    if (attempt > 0) {
                        Thread.sleep(50);
                    }
                    try (Admin admin = Admin.create(client)) {
                        admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                        return;
                    }
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                        throw new IllegalStateException("SCRAM user " + username + " cannot log in to the embedded "
                                + "broker: " + e.getCause().getMessage(), e);
                    }
                } catch (final TimeoutException e) {
                    throw new IllegalStateException("The embedded broker did not answer SCRAM user " + username
                            + " within " + timeout, e);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while logging in as SCRAM user " + username, e);
                }
            }
        }

        /** A JAAS entry of this user for {@code module}, values quoted as JAAS reads them. */
        private String jaas(final Class<?> module, final Map<String, String> extra) {
            final StringBuilder entry = new StringBuilder(module.getName()).append(" required");
            final Map<String, String> options = new LinkedHashMap<>();
            options.put("username", username);
            options.put("password", password);
            options.putAll(extra);
            options.forEach((key, value) -> entry.append(' ').append(key).append("=\"")
                    .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
            return entry.append(';').toString();
        }

        @Override
        public String toString() {
            return "ScramUser[" + mechanism.mechanismName() + " " + username + "]";
        }
    }

    private static boolean isFormatted(final Path logDir) {
        return Files.exists(logDir.resolve(META_PROPERTIES));
    }

    private static String readClusterId(final Path logDir) {
        final Path metaFile = logDir.resolve(META_PROPERTIES);
        final String id = readProperties(metaFile).getProperty("cluster.id");
        if (id == null) {
            throw new IllegalStateException(metaFile + " has no cluster.id");
        }
        return id;
    }

    private static OptionalInt portSetting(final Properties state, final String key, final Path file) {
        final String value = state.getProperty(key);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value.trim()));
        } catch (final NumberFormatException e) {
            LOG.warn("Ignoring {}={} in {}: not a port number", key, value, file);
            return OptionalInt.empty();
        }
    }

    /**
     * One distinct loopback port per request: the preferred port when it can be bound now, else one
     * the OS picks. All sockets stay open until every port is chosen, so the OS never hands out the
     * same port twice; they close before the broker binds, which leaves a short window in which
     * another process could take one, and start-up then fails with the bind error.
     */
    private static int[] loopbackPorts(final OptionalInt... preferred) {
        final List<ServerSocket> sockets = new ArrayList<>();
        try {
            final int[] ports = new int[preferred.length];
            for (int i = 0; i < preferred.length; i++) {
                ServerSocket socket = preferred[i].isPresent() ? tryBind(preferred[i].getAsInt()) : null;
                if (socket == null) {
                    if (preferred[i].isPresent()) {
                        LOG.info("Port {} of the previous run is taken; picking another", preferred[i].getAsInt());
                    }
                    socket = tryBind(0);
                    if (socket == null) {
                        throw new IllegalStateException("No free loopback port");
                    }
                }
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (final ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (final IOException e) {
                    LOG.warn("Cannot close port probe {}: {}", socket.getLocalPort(), e.getMessage());
                }
            }
        }
    }

    private static ServerSocket tryBind(final int port) {
        try {
            final ServerSocket socket = new ServerSocket();
            try {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
                return socket;
            } catch (final IOException e) {
                socket.close();
                return null;
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot open a socket: " + e.getMessage(), e);
        }
    }

    private static Properties readProperties(final Path file) {
        final Properties properties = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (final IOException e) {
                throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return properties;
    }

    private static void writeProperties(final Path file, final Properties properties, final String comment) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            properties.store(out, comment);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFile.write(file, out.toByteArray());
    }

    private static void deleteIfExists(final Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (final IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.getMessage());
        }
    }

    private static void createDirectories(final Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long millisSince(final long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
