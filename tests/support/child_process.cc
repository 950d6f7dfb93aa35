#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

namespace reviewtrail::testing {

ChildProcess::ChildProcess(const std::string& binary, const std::vector<std::string>& arguments) {
  int fds[2];
  int in[2];
  if (::pipe(fds) != 0 || ::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(in[0]);
    ::close(in[1]);
    ::close(fds[0]);
    ::close(fds[1]);
    // The parent's test runner may block signals; the child starts with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& argument : arguments)
      argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  ::close(in[0]);
  out_fd_ = fds[0];
  in_fd_ = in[1];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Signal(SIGKILL);
  if (out_fd_ >= 0) ::close(out_fd_);
  if (in_fd_ >= 0) ::close(in_fd_);
}

void ChildProcess::WriteLine(const std::string& line) {
  ::signal(SIGPIPE, SIG_IGN);  // a child that exited fails the write instead of killing the test
  const std::string data = line + "\n";
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(in_fd_, data.data() + written, data.size() - written);
    if (n <= 0) throw std::runtime_error("writing to the child's stdin failed");
    written += static_cast<size_t>(n);
  }
}

std::string ChildProcess::WaitForLine(const std::string& needle,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    for (size_t end = output_.find('\n', scanned_); end != std::string::npos;
         end = output_.find('\n', scanned_)) {
      std::string line = output_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd descriptor{out_fd_, POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t read = ::read(out_fd_, buffer, sizeof(buffer));
    if (read <= 0) return "";  // the child closed its output: it exited
    output_.append(buffer, static_cast<size_t>(read));
  }
}

void ChildProcess::Drain() {
  while (true) {
    pollfd descriptor{out_fd_, POLLIN, 0};
    if (::poll(&descriptor, 1, 0) <= 0) return;
    char buffer[4096];
    const ssize_t read = ::read(out_fd_, buffer, sizeof(buffer));
    if (read <= 0) return;
    output_.append(buffer, static_cast<size_t>(read));
  }
}

void ChildProcess::Send(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

int ChildProcess::Signal(int signal) {
  if (pid_ <= 0) return 0;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace reviewtrail::testing
