package com.liveshop.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A bare RFC 6455 client over a socket, for what java.net.http cannot do: send a message as ONE big frame (the JDK
 * client splits large messages into small frames; browsers do not).
 */
final class RawWsClient implements AutoCloseable {

    /** A frame read from the server: opcode and payload (continuations joined). */
    record Frame(int opcode, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawWsClient(int port, String pathAndQuery) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        String key = Base64.getEncoder().encodeToString("raw-client-key-1".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line();
        if (!status.contains(" 101 ")) {
            throw new IOException("Upgrade refused: " + status);
        }
        while (!line().isEmpty()) {
            // headers of the 101 response
        }
    }

    /** Sends {@code text} as a single masked text frame. */
    void sendOneFrame(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        out.write(payload);
        out.flush();
    }

    /** The next whole message or control frame from the server. */
    Frame next() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int firstOpcode = -1;
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode >= 8) {
                return new Frame(opcode, payload);
            }
            if (firstOpcode < 0) {
                firstOpcode = opcode;
            }
            message.write(payload);
            if ((b0 & 0x80) != 0) {
                return new Frame(firstOpcode, message.toByteArray());
            }
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
