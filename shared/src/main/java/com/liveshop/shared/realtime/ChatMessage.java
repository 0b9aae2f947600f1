package com.liveshop.shared.realtime;

/**
 * One chat message as stored and as every viewer sees it. {@code ticketId} names the sender's chat ticket (an
 * identifier, not the signed ticket), so a host can ban that ticket; null for a host's message.
 */
public record ChatMessage(String messageId, String name, String role, String text, String at, String ticketId) {}
