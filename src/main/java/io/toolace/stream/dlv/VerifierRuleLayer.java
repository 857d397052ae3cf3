package io.toolace.stream.dlv;

import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import io.toolace.stream.verify.Failure;
import io.toolace.stream.verify.RuleConfig;
import io.toolace.stream.verify.RuleVerifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule layer backed by the pure-Java verifier, the same one the {@code verify} command runs, plus
 * the check that a sample keeps the promise of the type the planner labelled it with
 * ({@link TypePromise}), which only the pipeline knows.
 */
public final class VerifierRuleLayer implements RuleLayer {

    private final RuleVerifier verifier;

    public VerifierRuleLayer() {
        this(RuleConfig.DEFAULTS);
    }

    public VerifierRuleLayer(final RuleConfig config) {
        this.verifier = new RuleVerifier(config);
    }

    @Override
    public List<Verdict> check(final Sample sample) {
        return check(sample, ToolSamples.toToolSample(sample));
    }

    @Override
    public List<Verdict> check(final Sample sample, final ToolSample asDataset) {
        final List<Failure> failures = verifier.verify(asDataset);
        final List<Verdict> verdicts = new ArrayList<>(failures.size() + 1);
        for (final Failure failure : failures) {
            verdicts.add(Samples.failure(failure.rule(), Layer.RULE, failure.turn(), failure.message()));
        }
        final Verdict unkept = TypePromise.broken(sample);
        if (unkept != null) {
            verdicts.add(unkept);
        }
        return verdicts;
    }
}
