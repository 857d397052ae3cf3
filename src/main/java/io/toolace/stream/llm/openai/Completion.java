package io.toolace.stream.llm.openai;

/**
 * The part of a chat-completions answer the backend uses.
 *
 * @param content the first choice's message text; empty when the server sent none (a refusal, a
 *     content filter)
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...); empty when not sent
 * @param promptTokens as the server counted them; 0 when it sent no usage
 * @param completionTokens as the server counted them; 0 when it sent no usage
 */
public record Completion(String content, String finishReason, int promptTokens, int completionTokens) {}
