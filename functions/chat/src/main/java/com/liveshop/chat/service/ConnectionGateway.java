package com.liveshop.chat.service;

/** The @connections API as chat uses it; tests and the benchmark may give their own. */
public interface ConnectionGateway {

    enum Outcome { SENT, GONE }

    /** Sends one text frame; GONE when the connection no longer exists (410). Other failures throw. */
    Outcome post(String connectionId, String frame);

    /** Closes the connection (its $disconnect runs); a connection already gone is fine. */
    void close(String connectionId);
}
