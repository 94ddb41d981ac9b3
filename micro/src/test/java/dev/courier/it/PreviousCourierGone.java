package dev.courier.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Waits, before Arquillian starts this class's Payara Micro, until the previous class's Micro has
 * let go of the broker port and the database file. Arquillian only signals the old process to stop
 * and moves on, and undeploying the message-driven beans can take a while; a new Micro started
 * meanwhile would find port 61616 and the H2 file taken.
 */
class PreviousCourierGone implements BeforeAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    await()
        .pollInterval(Duration.ofMillis(500))
        .atMost(Duration.ofMinutes(5))
        .until(() -> !listening(61616) && !locked(database()));
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path database() {
    return Path.of(
        System.getProperty("courier.it.dataDir", "target/it-data/none"), "db", "courier.mv.db");
  }

  private static boolean locked(Path file) {
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel channel =
            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
      return true;
    }
  }
}
