package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The sample file formats the verifier reads and the exporters write, one JSON object per line. */
public enum SampleFormat {

    /** ToolACE's own release: system prompt with the tools, conversations from user/assistant/tool. */
    TOOLACE(new ToolAceCodec()),
    /** OpenAI chat: messages plus tools, tool_calls with JSON-text arguments. */
    OPENAI(new OpenAiCodec()),
    /** LLaMA-Factory ShareGPT function format: human/gpt/function_call/observation. */
    SHAREGPT(new ShareGptCodec());

    private final SampleCodec codec;

    SampleFormat(final SampleCodec codec) {
        this.codec = codec;
    }

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SampleFormat byId(final String id) {
        for (final SampleFormat format : values()) {
            if (format.id().equalsIgnoreCase(id)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown format '" + id + "'; expected one of "
                + Arrays.stream(values()).map(SampleFormat::id).collect(Collectors.joining(", ")));
    }

    /**
     * The format a record is in: {@code messages} means OpenAI; {@code conversations} means ShareGPT
     * when its first non-system turn speaks in ShareGPT's words (human, gpt, function_call,
     * observation) or the record has a {@code tools} field, ToolACE otherwise.
     */
    public static Optional<SampleFormat> detect(final JsonNode record) {
        if (record.path("messages").isArray()) {
            return Optional.of(OPENAI);
        }
        final JsonNode conversations = record.path("conversations");
        if (!conversations.isArray()) {
            return Optional.empty();
        }
        if (record.has("tools")) {
            return Optional.of(SHAREGPT);
        }
        for (final JsonNode turn : conversations) {
            final String from = turn.path("from").asText("");
            if (!from.equals("system")) {
                return Optional.of(switch (from) {
                    case "human", "gpt", "function_call", "observation" -> SHAREGPT;
                    default -> TOOLACE;
                });
            }
        }
        return Optional.of(TOOLACE);
    }

    public ToolSample read(final ObjectNode record) throws MalformedSampleException {
        return codec.read(record);
    }

    /**
     * One record of this format.
     *
     * @throws IllegalArgumentException when a call cannot be written in the format (ToolACE: a
     *     function name the call syntax cannot express, which the API rules reject beforehand)
     */
    public ObjectNode write(final ToolSample sample) {
        return codec.write(sample);
    }

    /** One line of this format, without the line break, laid out like Python's {@code json.dumps}. */
    public String writeLine(final ToolSample sample) {
        return Json.write(write(sample));
    }
}
