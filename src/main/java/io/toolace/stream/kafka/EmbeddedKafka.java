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
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
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
 * for the internal topics, no initial rebalance delay, no topic auto-creation (topics are created
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
                LOG.info("Embedded Kafka {} started at {} in {} ms (data dir {})", kafka.clusterId(),
                        kafka.bootstrapServers(), millisSince(started), kafkaDir);
                return kafka;
            } catch (final RuntimeException e) {
                lock.close();
                throw e;
            }
        }

        private EmbeddedKafka startLocked(final Path kafkaDir, final Path logDir, final DirectoryLock lock) {
            final Path stateFile = kafkaDir.resolve(STATE_FILE);
            final Properties previous = readProperties(stateFile);
            final int[] ports = loopbackPorts(
                    portSetting(previous, BROKER_PORT, stateFile), portSetting(previous, CONTROLLER_PORT, stateFile));
            final int brokerPort = ports[0];
            final int controllerPort = ports[1];

            final Map<String, String> serverProperties = serverProperties(logDir, brokerPort, controllerPort);
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
         * its setters. The tool reads a config file, so the settings it needs go to a temporary one;
         * the full broker config stays in memory because it may hold SASL secrets.
         */
        private static void format(final Path logDir, final Map<String, String> serverProperties) {
            final String newClusterId = Uuid.randomUuid().toString();
            final Properties formatConfig = new Properties();
            for (final String key : List.of("process.roles", "node.id", "controller.quorum.voters",
                    "controller.listener.names", "listeners", "listener.security.protocol.map", "log.dirs",
                    "metadata.log.dir")) {
                formatConfig.setProperty(key, serverProperties.get(key));
            }
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
