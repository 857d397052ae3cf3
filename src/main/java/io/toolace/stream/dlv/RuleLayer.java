package io.toolace.stream.dlv;

import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import java.util.List;

/** The rule layer as the stage sees it: a sample in, its failed rules out (empty when it passes). */
@FunctionalInterface
public interface RuleLayer {
    List<Verdict> check(Sample sample);
}
