package io.toolace.stream.evolution;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.records.ApiDefinition;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Admits a candidate to the pool once: valid by the API rules and new by normalised signature. */
final class ApiCheckProcessor implements Processor<String, ApiDefinition, String, ApiDefinition> {

    private final ApiCheck check;
    private ProcessorContext<String, ApiDefinition> context;
    private KeyValueStore<String, String> signatures;

    ApiCheckProcessor(final ApiCheck check) {
        this.check = check;
    }

    @Override
    public void init(final ProcessorContext<String, ApiDefinition> context) {
        this.context = context;
        this.signatures = context.getStateStore(PoolStage.SIGNATURES_STORE);
    }

    @Override
    public void process(final Record<String, ApiDefinition> record) {
        final ApiDefinition api = record.value();
        if (api == null) {
            return;
        }
        final Optional<String> problem = check.problem(api);
        if (problem.isPresent()) {
            reject(record, api, problem.get());
            return;
        }
        final String existing = signatures.get(api.getId());
        if (existing != null) {
            reject(record, api, "API_DUPLICATE_SIGNATURE: same normalised signature as pooled API '" + existing + "'");
            return;
        }
        signatures.put(api.getId(), api.getName());
        Metrics.counter("toolace.pool.admitted").increment();
        context.forward(record.withKey(api.getId()).withValue(api), PoolStage.POOL_SINK);
    }

    private void reject(final Record<String, ApiDefinition> record, final ApiDefinition api, final String reason) {
        Metrics.counter("toolace.pool.rejected", "rule", reason.substring(0, Math.max(0, reason.indexOf(':'))))
                .increment();
        context.forward(record.withValue(ApiDefinition.newBuilder(api).setRejection(reason).build()),
                PoolStage.REJECTED_SINK);
    }
}
