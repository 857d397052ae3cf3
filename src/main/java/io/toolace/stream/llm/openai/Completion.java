package io.toolace.stream.llm.openai;

/**
 * The part of a chat-completions answer the backend uses.
 *
 * @param content the first choice's message text; empty when the server sent none (a refusal, a
 *     content filter)
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...); empty when not sent
 * @param promptTokens as the server counted them; 0 when it sent no usage
 * @param completionTokens as the server counted them; 0 when it sent no usage
 * @param attempts HTTP attempts the answer took, the first included
 */
public record Completion(String content, String finishReason, int promptTokens, int completionTokens, int attempts) {

    /** An answer that took one attempt. */
    public Completion(final String content, final String finishReason, final int promptTokens,
            final int completionTokens) {
        this(content, finishReason, promptTokens, completionTokens, 1);
    }
}
