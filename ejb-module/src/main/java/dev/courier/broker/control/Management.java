package dev.courier.broker.control;

/** Calls on Artemis management objects, whose methods throw {@link Exception}. */
public final class Management {

  private Management() {}

  /** A management call that answers something. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  /** A management call that answers nothing. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  /** Runs the call; a checked failure becomes an IllegalStateException naming the broker. */
  public static <T> T call(Call<T> call) {
    try {
      return call.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the broker refused a management call: " + e.getMessage(), e);
    }
  }

  public static void run(Action action) {
    call(
        () -> {
          action.run();
          return null;
        });
  }
}
