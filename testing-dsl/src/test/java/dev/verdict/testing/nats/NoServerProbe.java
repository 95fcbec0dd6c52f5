package dev.verdict.testing.nats;

/** Run in a child JVM by {@link NoServerMessageTest}: asks the extension for a server and prints what it says. */
final class NoServerProbe {
    private NoServerProbe() {}

    public static void main(String[] args) {
        try {
            NatsServerExtension.singleNode().beforeAll(null);
            System.out.println("STARTED " + NatsServerExtension.class.getSimpleName());
        } catch (NatsServerUnavailable e) {
            System.out.println("MESSAGE: " + e.getMessage());
        }
    }
}
