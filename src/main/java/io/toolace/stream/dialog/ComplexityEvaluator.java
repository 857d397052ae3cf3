package io.toolace.stream.dialog;

import io.toolace.stream.format.ToolSample;

/**
 * How hard a finished sample is for the model it trains, on [0, 1]: SDG's complexity evaluator. The
 * planner steers the user agent toward a band of it, as ToolACE found medium complexity trains best.
 *
 * <p>The paper measures the mean token loss of the target model on the sample; a backend with logprobs
 * can supply that, mapped onto [0, 1]. {@link ComplexityProxy} estimates it without a model.
 */
@FunctionalInterface
public interface ComplexityEvaluator {

    /** The sample's complexity, in [0, 1]; higher is harder. */
    double complexity(ToolSample sample);
}
