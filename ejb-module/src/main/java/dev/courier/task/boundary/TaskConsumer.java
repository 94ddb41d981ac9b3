package dev.courier.task.boundary;

import dev.courier.task.control.TaskRunner;
import jakarta.annotation.Resource;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Runs the tasks of one queue, one attempt per delivery. Declared once per queue in {@code
 * META-INF/ejb-jar.xml}, where each declaration names its queue and its concurrency (maxSession).
 */
// the annotation makes the class an EJB that CDI knows (for @Inject); ejb-jar.xml configures it and
// declares the same class again for every other queue
@MessageDriven(name = "DefaultQueueConsumer")
public class TaskConsumer implements MessageListener {

  @Resource MessageDrivenContext context;
  @Inject TaskRunner runner;

  @Override
  public void onMessage(Message message) {
    try {
      if (!runner.process(message)) {
        context.setRollbackOnly();
      }
    } catch (JMSException e) {
      throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // stopping: roll back, so that the broker delivers the task again
      throw new IllegalStateException("interrupted while the task ran; it will be redelivered", e);
    }
  }
}
