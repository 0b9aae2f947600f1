package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.samlocal.Options;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The local stack listens on loopback only unless {@code --host} says otherwise: DynamoDB Local answers any credentials
 * and holds buyers' emails, so nobody else on the network may reach it (nor the API).
 */
class LoopbackOnlyTest {

    /** An IPv4 address of this machine that is not loopback, if it has one. */
    private static Optional<InetAddress> lanAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    @Test
    void dynamoDbLocalAndTheApiAnswerOnLoopbackButNotOnTheMachinesOtherAddresses() throws Exception {
        Optional<InetAddress> lan = lanAddress();
        assumeThat(lan)
                .as("this machine has a non-loopback IPv4 address to try")
                .isPresent();
        try (LocalStack stack =
                LocalStack.start(Options.ephemeral().withSeed(false).withSchedules(false))) {
            int dynamoPort = URI.create(stack.dynamoDbEndpoint()).getPort();
            int apiPort = URI.create(stack.url()).getPort();
            InetAddress loopback = InetAddress.getByName("127.0.0.1");

            assertThat(accepts(loopback, dynamoPort))
                    .as("DynamoDB Local on loopback")
                    .isTrue();
            assertThat(accepts(loopback, apiPort)).as("the API on loopback").isTrue();
            assertThat(accepts(lan.get(), dynamoPort))
                    .as("DynamoDB Local on " + lan.get())
                    .isFalse();
            assertThat(accepts(lan.get(), apiPort))
                    .as("the API on " + lan.get())
                    .isFalse();
        }
    }
}
