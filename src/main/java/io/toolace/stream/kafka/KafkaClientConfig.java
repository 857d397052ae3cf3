package io.toolace.stream.kafka;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The connection settings every client of one cluster shares: bootstrap servers plus the security
 * settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) taken from a larger settings
 * map, with the {@code config.providers*} settings that let their values be references to secrets
 * kept in files ({@code ${file:/path:key}}), which each Kafka client resolves itself. Each call
 * returns fresh {@link Properties} that the caller may extend.
 */
public final class KafkaClientConfig {

    private final String bootstrapServers;
    private final Map<String, String> security;

    private KafkaClientConfig(final String bootstrapServers, final Map<String, String> security) {
        this.bootstrapServers = bootstrapServers;
        this.security = security;
    }

    public static KafkaClientConfig of(final String bootstrapServers) {
        return of(bootstrapServers, Map.of());
    }

    /** Keeps the security settings of {@code settings}; every other key there is not a connection setting and is ignored. */
    public static KafkaClientConfig of(final String bootstrapServers, final Map<String, ?> settings) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be blank");
        }
        final Map<String, String> security = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (isSecuritySetting(key) && value != null) {
                security.put(key, value.toString());
            }
        });
        return new KafkaClientConfig(bootstrapServers, ClientSettings.secretSafeCopy(security));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The security settings kept; values may be secrets, see {@link #toString()} for a printable form. */
    public Map<String, String> securitySettings() {
        return security;
    }

    /** Bootstrap servers and security settings: enough for an admin client or a producer. */
    public Properties clientProperties() {
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.putAll(security);
        return props;
    }

    public Properties consumer(final String groupId) {
        final Properties props = clientProperties();
        props.put("group.id", Objects.requireNonNull(groupId, "groupId"));
        return props;
    }

    /** Streams passes unprefixed security settings on to its consumers, producers and admin client. */
    public Properties streams(final String applicationId) {
        final Properties props = clientProperties();
        props.put("application.id", Objects.requireNonNull(applicationId, "applicationId"));
        return props;
    }

    /** Bootstrap servers and security settings, secrets hidden: fit for a log line. */
    @Override
    public String toString() {
        return security.isEmpty() ? bootstrapServers : bootstrapServers + " " + ClientSettings.redacted(security);
    }

    private static boolean isSecuritySetting(final String key) {
        return key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.")
                || key.startsWith("config.providers");
    }
}
