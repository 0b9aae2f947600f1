package com.liveshop.chat.repository;

/** One stored chat message, as broadcast (without the sender's connection id). */
public record Message(String messageId, String name, String role, String text, String at) {}
