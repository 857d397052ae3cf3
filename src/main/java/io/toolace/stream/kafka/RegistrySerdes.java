package io.toolace.stream.kafka;

import io.toolace.stream.kafka.registry.AvroSerde;
import io.toolace.stream.kafka.registry.RegistryClient;
import io.toolace.stream.kafka.registry.SubjectNameStrategy;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Value serdes in the Confluent wire format against one schema registry, sharing its client and caches. */
public final class RegistrySerdes implements AvroSerdes {

    /** Confluent's setting: whether a producer registers its schema or may only use one already registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Confluent's setting: {@code topic}, {@code record}, {@code topic-record} or a Confluent strategy class name. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    private final RegistryClient registry;
    private final SubjectNameStrategy strategy;
    private final boolean autoRegister;

    private RegistrySerdes(final RegistryClient registry, final SubjectNameStrategy strategy,
            final boolean autoRegister) {
        this.registry = registry;
        this.strategy = strategy;
        this.autoRegister = autoRegister;
    }

    /**
     * A registry at {@code url}; basic-auth credentials, a trust store and the cache size, if any, come
     * from the client settings {@link RegistryClient#fromSettings(String, Map)} reads, never from the URL;
     * the subject names and whether to register from {@value #VALUE_SUBJECT_NAME_STRATEGY} (default
     * {@code topic}) and {@value #AUTO_REGISTER_SCHEMAS} (default true), each also read under the
     * {@code schema.registry.} prefix.
     *
     * @throws IllegalArgumentException when a setting has a value it cannot take
     */
    public static RegistrySerdes connect(final String url, final Map<String, String> clientProperties) {
        final String strategy = setting(clientProperties, VALUE_SUBJECT_NAME_STRATEGY);
        return new RegistrySerdes(RegistryClient.fromSettings(url, clientProperties),
                strategy == null ? SubjectNameStrategy.TOPIC : SubjectNameStrategy.named(strategy),
                flag(clientProperties, AUTO_REGISTER_SCHEMAS, true));
    }

    /** The setting under its name or, as {@code TOOLACE_SCHEMA_REGISTRY_*} variables set it, under the registry prefix. */
    private static String setting(final Map<String, String> settings, final String key) {
        return settings.get(settingKey(settings, key));
    }

    private static String settingKey(final Map<String, String> settings, final String key) {
        return settings.containsKey(RegistryClient.PREFIX + key) ? RegistryClient.PREFIX + key : key;
    }

    private static boolean flag(final Map<String, String> settings, final String key, final boolean otherwise) {
        final String value = setting(settings, key);
        if (value == null) {
            return otherwise;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Setting " + settingKey(settings, key)
                    + " must be true or false, not '" + value + "'");
        };
    }

    @Override
    public <T extends SpecificRecord> Serde<T> serde(final Class<T> type) {
        return new AvroSerde<>(type, registry, strategy, false, autoRegister);
    }
}
