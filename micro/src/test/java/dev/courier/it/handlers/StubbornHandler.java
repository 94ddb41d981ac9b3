package dev.courier.it.handlers;

import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code it.stubborn}: works for {@code payload.ms} (at most 10 s) and ignores interrupts, like
 * code that never blocks; the tests give its type a time limit of 1 s.
 */
@ApplicationScoped
@TaskType("it.stubborn")
public class StubbornHandler implements TaskHandler {

  @Override
  public JsonValue run(TaskContext task) {
    long ms = Math.min(10_000, task.payload().getJsonNumber("ms").longValue());
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
      Thread.interrupted();
    }
    return Json.createObjectBuilder().add("worked", ms).build();
  }
}
