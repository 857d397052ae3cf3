package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.dlv.TypePromise;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import java.util.Set;

/**
 * What each dialog type promises, checked on a finished sample as a dataset user would: from the
 * turns alone, without the agents' own labels ({@link TypePromise}, which the verification stage also
 * applies), and that every call names a pool API.
 */
public final class DialogPromises {

    private DialogPromises() {}

    public static void assertKept(final Sample sample, final Set<String> poolNames) {
        for (final Turn turn : sample.getTurns()) {
            for (final FunctionCall call : turn.getCalls()) {
                assertThat(poolNames).as("API called in %s", sample.getId()).contains(call.getName());
            }
        }
        assertThat(TypePromise.broken(sample)).as("type promise of %s: %s", sample.getId(), sample.getTurns())
                .isNull();
    }
}
