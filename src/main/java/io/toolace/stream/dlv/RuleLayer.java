package io.toolace.stream.dlv;

import io.toolace.stream.format.ToolSample;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import java.util.List;

/** The rule layer as the stage sees it: a sample in, its failed rules out (empty when it passes). */
@FunctionalInterface
public interface RuleLayer {
    List<Verdict> check(Sample sample);

    /**
     * As {@link #check(Sample)}, given the sample already converted to the verifier's model: the stage converts it
     * once for the rules and for its complexity.
     */
    default List<Verdict> check(final Sample sample, final ToolSample asDataset) {
        return check(sample);
    }
}
