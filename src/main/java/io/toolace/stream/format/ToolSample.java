package io.toolace.stream.format;

import java.util.List;

/**
 * One function-calling training sample, independent of its file format.
 *
 * @param id the sample's own id, or {@code null} when the source has none
 * @param system the system prompt, or {@code null}
 * @param tools the tools the dialog may call
 * @param messages the turns after the system prompt, in order; verdicts index into this list
 */
public record ToolSample(String id, String system, List<ToolSpec> tools, List<Message> messages) {

    public ToolSample {
        tools = List.copyOf(tools);
        messages = List.copyOf(messages);
    }
}
