#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace reviewtrail::testing {

// A real child process (fork + exec) whose stdout and stderr are read through a pipe, so tests can
// wait for what it prints and kill it for real; its stdin is a pipe the test may write to. Owned by
// one test thread.
class ChildProcess {
 public:
  ChildProcess(const std::string& binary, const std::vector<std::string>& arguments);
  ~ChildProcess();  // SIGKILLs the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads output until a line contains `needle` (returned), or the timeout passes or the child
  // exits (empty string).
  std::string WaitForLine(const std::string& needle, std::chrono::milliseconds timeout);
  // Writes `line` and a newline to the child's standard input.
  void WriteLine(const std::string& line);
  // Reads what the child has printed so far without waiting (keeps its pipe from filling up while
  // a test waits on something else).
  void Drain();
  // Sends `signal` and waits for the exit; returns the wait status.
  int Signal(int signal);
  // Sends `signal` without waiting (then WaitForLine what the child prints as it stops).
  void Send(int signal) const;
  [[nodiscard]] const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int in_fd_ = -1;
  std::string output_;
  size_t scanned_ = 0;
};

}  // namespace reviewtrail::testing
