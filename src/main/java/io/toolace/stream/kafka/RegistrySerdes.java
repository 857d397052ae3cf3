package io.toolace.stream.kafka;

import io.toolace.stream.kafka.registry.AvroSerde;
import io.toolace.stream.kafka.registry.RegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Value serdes in the Confluent wire format against one schema registry, sharing its client and caches. */
public final class RegistrySerdes implements AvroSerdes {

    private final RegistryClient registry;

    private RegistrySerdes(final RegistryClient registry) {
        this.registry = registry;
    }

    /**
     * A registry at {@code url}; basic-auth credentials and a trust store, if any, come from the client
     * settings {@link RegistryClient#fromSettings(String, Map)} reads, never from the URL.
     */
    public static RegistrySerdes connect(final String url, final Map<String, String> clientProperties) {
        return new RegistrySerdes(RegistryClient.fromSettings(url, clientProperties));
    }

    @Override
    public <T extends SpecificRecord> Serde<T> serde(final Class<T> type) {
        return AvroSerde.forValues(type, registry);
    }
}
