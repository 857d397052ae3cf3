package io.toolace.stream.llm.procedural.sdg;

import io.toolace.stream.records.DialogType;
import java.util.ArrayList;
import java.util.List;

/**
 * The hidden plan of one user request, recomputed from (dialog id, request index) by every agent so
 * that user, assistant and tool agree without parsing each other's text.
 *
 * @param calls the planned calls: for a parallel request all of them in one turn, for a dependent one
 *     the first and the second step, otherwise one; empty for a no-tool request
 * @param link for a dependent request, how the second call takes a value from the first result;
 *     null for the other types
 * @param clarifyParameter for a clarification request, the parameter the user leaves out at first;
 *     null when the API has no parameter to leave out and the assistant confirms instead
 * @param topic for a no-tool request, what is asked
 */
record RequestPlan(int index, DialogType type, List<PlannedCall> calls, Link link, String clarifyParameter,
        NonToolTopic topic) {

    RequestPlan {
        calls = List.copyOf(calls);
    }

    /** The same plan with call {@code i} replaced (fault injection works on copies). */
    RequestPlan withCall(final int i, final PlannedCall call) {
        final List<PlannedCall> copy = new ArrayList<>(calls);
        copy.set(i, call);
        return new RequestPlan(index, type, copy, link, clarifyParameter, topic);
    }
}
