package io.toolace.stream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Client settings (Kafka's {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, the registry's
 * {@code basic.auth.user.info} and {@code schema.registry.ssl.*}) from the places a deployment keeps
 * them apart from the command line: a properties file, {@code TOOLACE_KAFKA_*} and
 * {@code TOOLACE_SCHEMA_REGISTRY_*} environment variables, and secret references that Kafka's config
 * providers resolve ({@code ${file:/path:key}}). Also the one rule for which settings are secrets,
 * so that nothing prints them.
 */
public final class ClientSettings {

    /** Environment variables named {@code TOOLACE_KAFKA_SASL_JAAS_CONFIG} set {@code sasl.jaas.config}. */
    public static final String KAFKA_ENV_PREFIX = "TOOLACE_KAFKA_";
    /** {@code TOOLACE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO} sets {@code schema.registry.basic.auth.user.info}. */
    public static final String REGISTRY_ENV_PREFIX = "TOOLACE_SCHEMA_REGISTRY_";
    /** What a secret's value prints as; Kafka's own word for a hidden password. */
    public static final String HIDDEN = "[hidden]";

    /**
     * Kafka marks its secrets as PASSWORD in its config definitions ({@code sasl.jaas.config},
     * {@code ssl.*.password}, {@code ssl.keystore.key}, OAuth client secrets); registries add basic and
     * bearer credentials. Matching by name also covers the keys of plugins no definition here knows.
     */
    private static final Pattern SECRET_KEY =
            Pattern.compile("password|secret|jaas|user\\.info|token|credential|ssl\\.keystore\\.key");

    private ClientSettings() {}

    /**
     * The settings named by {@code TOOLACE_KAFKA_*} and {@code TOOLACE_SCHEMA_REGISTRY_*} variables,
     * named as Confluent's images name them: the rest of the name in lower case, {@code _} becomes
     * {@code .}, {@code __} becomes {@code _} and {@code ___} becomes {@code -}. Registry settings
     * keep the {@code schema.registry.} prefix Confluent's serde settings use.
     */
    public static Map<String, String> fromEnvironment(final Map<String, String> environment) {
        final Map<String, String> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length()) {
                settings.put(settingName(name.substring(KAFKA_ENV_PREFIX.length())), value);
            } else if (name.startsWith(REGISTRY_ENV_PREFIX) && name.length() > REGISTRY_ENV_PREFIX.length()) {
                settings.put("schema.registry." + settingName(name.substring(REGISTRY_ENV_PREFIX.length())), value);
            }
        });
        return settings;
    }

    static String settingName(final String variable) {
        return Arrays.stream(variable.toLowerCase(Locale.ROOT).split("___", -1))
                .map(dashed -> Arrays.stream(dashed.split("__", -1))
                        .map(part -> part.replace('_', '.'))
                        .collect(Collectors.joining("_")))
                .collect(Collectors.joining("-"));
    }

    /** The settings of a Java properties file, as Kafka's tools read {@code --command-config}. */
    public static Map<String, String> load(final Path file) {
        final Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read client settings from " + file + ": " + e.getMessage(), e);
        }
        final Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key).trim()));
        return settings;
    }

    /**
     * The settings with every {@code ${provider:path:key}} reference replaced through the
     * {@code config.providers} they name, as every Kafka client does for itself: for the settings read
     * by code that is not a Kafka client (the registry client, the embedded broker).
     *
     * @throws org.apache.kafka.common.config.ConfigException when a provider cannot read a reference
     */
    public static Map<String, String> resolve(final Map<String, ?> settings) {
        final Map<String, String> strings = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (value != null) {
                strings.put(key, value.toString());
            }
        });
        return new AbstractConfig(new ConfigDef(), strings, false).originalsStrings();
    }

    public static boolean isSecret(final String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** The settings with each secret's value replaced by {@value #HIDDEN}, sorted by key: for a log line. */
    public static Map<String, String> redacted(final Map<String, ?> settings) {
        final Map<String, String> shown = new TreeMap<>();
        settings.forEach((key, value) -> shown.put(key, isSecret(key) ? HIDDEN : String.valueOf(value)));
        return shown;
    }

    /**
     * An unmodifiable copy that prints redacted, so that a settings map inside a logged or failed
     * object (a config record's {@code toString}, an assertion message) never shows a secret.
     */
    public static Map<String, String> secretSafeCopy(final Map<String, String> settings) {
        return settings instanceof SecretSafeMap ? settings : new SecretSafeMap(Map.copyOf(settings));
    }

    private static final class SecretSafeMap extends AbstractMap<String, String> {
        private final Map<String, String> settings;

        private SecretSafeMap(final Map<String, String> settings) {
            this.settings = settings;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return settings.entrySet();
        }

        @Override
        public String get(final Object key) {
            return settings.get(key);
        }

        @Override
        public boolean containsKey(final Object key) {
            return settings.containsKey(key);
        }

        @Override
        public String toString() {
            return redacted(settings).toString();
        }
    }
}
