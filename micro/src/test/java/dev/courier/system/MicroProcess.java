package dev.courier.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Courier on Payara Micro in its own JVM, started the way the README's run command starts it
 * (the built war, the rar by a post-boot command), for tests that restart it or run two of it.
 */
final class MicroProcess implements AutoCloseable {

  private static final Path TARGET = Path.of(System.getProperty("courier.it.target", "target"));

  private final String name;
  private final int httpPort;
  private final Map<String, String> properties;
  private final Path postboot;
  private final Path log;
  private final boolean credentials;
  private Process process;

  private MicroProcess(
      String name,
      int httpPort,
      Map<String, String> properties,
      Path postboot,
      Path log,
      boolean credentials) {
    this.name = name;
    this.httpPort = httpPort;
    this.properties = properties;
    this.postboot = postboot;
    this.log = log;
    this.credentials = credentials;
  }

  /**
   * Starts the server as the run command does (the rar and the console by post-boot commands) but
   * with none of Courier's passwords or users set, as a user who forgot them would.
   */
  static MicroProcess startWithoutPasswords(String name, int httpPort) throws IOException {
    return start(name, httpPort, Map.of(), TARGET.resolve("courier-artemis.rar"), true, false);
  }

  private static String postbootCommands(Path rar, boolean console) {
    return "create-resource-adapter-config --property"
        + " UserName=courier-broker:Password=${courier.broker.password} courier-artemis\n"
        + "deploy --name courier-artemis "
        + rar.toAbsolutePath()
        + "\n"
        + (console
            ? "deploy --name console --contextroot /console "
                + TARGET.resolve("console.war").toAbsolutePath()
                + "\n"
            : "");
  }

  /** Starts Courier with the built rar and waits until Payara Micro says it is ready. */
  static MicroProcess start(String name, int httpPort, Map<String, String> properties)
      throws IOException {
    return start(name, httpPort, properties, TARGET.resolve("courier-artemis.rar"));
  }

  /** Starts Courier with a resource adapter of its own (e.g. one pointed at another broker). */
  static MicroProcess start(String name, int httpPort, Map<String, String> properties, Path rar)
      throws IOException {
    return start(name, httpPort, properties, rar, false, true);
  }

  private static MicroProcess start(
      String name,
      int httpPort,
      Map<String, String> properties,
      Path rar,
      boolean console,
      boolean credentials)
      throws IOException {
    Path dir = Files.createDirectories(TARGET.resolve("system-test-logs"));
    long now = System.currentTimeMillis();
    Path postboot = dir.resolve(name + "-" + now + "-postboot.txt");
    Files.writeString(postboot, postbootCommands(rar, console));
    var micro =
        new MicroProcess(
            name,
            httpPort,
            properties,
            postboot,
            dir.resolve(name + "-" + now + ".log"),
            credentials);
    micro.launch();
    return micro;
  }

  /** A copy of the built rar whose adapter connects to the broker on {@code port}. */
  static Path rarForBrokerPort(int port) throws IOException {
    Path copy = Files.createTempFile(TARGET, "courier-artemis-" + port + "-", ".rar");
    Files.copy(TARGET.resolve("courier-artemis.rar"), copy, StandardCopyOption.REPLACE_EXISTING);
    try (FileSystem rar = FileSystems.newFileSystem(copy)) {
      Path raXml = rar.getPath("META-INF", "ra.xml");
      Files.writeString(raXml, Files.readString(raXml).replace("port=61616", "port=" + port));
    }
    return copy;
  }

  private void launch() throws IOException {
    int logged = Files.exists(log) ? Files.readString(log).length() : 0;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    String nativeLibrary = System.getProperty("courier.it.nativeLibrary");
    if (nativeLibrary != null) {
      // the broker's native journal (ASYNCIO), as the run profile gives it
      command.add("-Djava.library.path=" + nativeLibrary);
    }
    if (credentials) {
      command.add("-Dcourier.broker.password=" + System.getProperty("courier.it.brokerPassword"));
      command.add("-Dcourier.db.password=" + System.getProperty("courier.it.dbPassword"));
      String user = System.getProperty("courier.it.user");
      command.add("-Dcourier.users=" + user);
      command.add(
          "-Dcourier.users." + user + ".password=" + System.getProperty("courier.it.password"));
      command.add("-Dcourier.users." + user + ".roles=admin");
    }
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(
        List.of(
            "-jar",
            TARGET.resolve("payara-micro.jar").toString(),
            "--nohazelcast",
            "--port",
            Integer.toString(httpPort),
            "--prebootcommandfile",
            TARGET.resolve("preboot.txt").toString(),
            "--postbootcommandfile",
            postboot.toString(),
            "--deploy",
            TARGET.resolve("courier.war").toString(),
            "--contextroot",
            "/"));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log);
              }
              return Files.readString(log).substring(logged).contains(" ready in ");
            });
  }

  /**
   * Stops the JVM as Ctrl-C or a service manager would (SIGTERM), and waits for it; answers whether
   * it went by itself within 30 s (otherwise it is killed).
   */
  boolean stop() throws InterruptedException {
    process.destroy();
    if (process.waitFor(30, TimeUnit.SECONDS)) {
      return true;
    }
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    return false;
  }

  /** Kills the JVM at once (SIGKILL, as kill -9), in whatever it is doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts it again after a {@link #kill}, with the same data and settings. */
  void relaunch() throws IOException {
    launch();
  }

  /** Starts it again with the same data and settings. */
  void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  String root() {
    return "http://127.0.0.1:" + httpPort + "/";
  }

  String api() {
    return "http://127.0.0.1:" + httpPort + "/api/";
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
