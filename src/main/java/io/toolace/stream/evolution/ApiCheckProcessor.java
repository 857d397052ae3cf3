package io.toolace.stream.evolution;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.records.ApiDefinition;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The pool's first pass: a candidate must be valid by the API rules and new by normalised signature.
 * It forwards every candidate, a rejected one with {@code rejection} set (keyed by API id), a passing
 * one with {@code rejection} cleared for the near-duplicate pass.
 *
 * <p>A passing candidate's signature is remembered at once, before the near-duplicate pass decides,
 * since that pass runs in another task: a later candidate with the signature of one that pass then
 * rejected is rejected here, as a signature already judged (the message names the earlier API).
 */
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
        final Optional<String> problem = check.problem(api);
        if (problem.isPresent()) {
            reject(record, api, problem.get());
            return;
        }
        final String existing = signatures.get(api.getId());
        if (existing != null) {
            reject(record, api, "API_DUPLICATE_SIGNATURE: same normalised signature as earlier API '" + existing + "'");
            return;
        }
        signatures.put(api.getId(), api.getName());
        final ApiDefinition passed = api.getRejection() == null ? api
                : ApiDefinition.newBuilder(api).setRejection(null).build();
        context.forward(record.withKey(api.getId()).withValue(passed));
    }

    private void reject(final Record<String, ApiDefinition> record, final ApiDefinition api, final String reason) {
        Metrics.counter("toolace.pool.rejected", "rule", reason.substring(0, Math.max(0, reason.indexOf(':'))))
                .increment();
        context.forward(record.withKey(api.getId())
                .withValue(ApiDefinition.newBuilder(api).setRejection(reason).build()));
    }
}
