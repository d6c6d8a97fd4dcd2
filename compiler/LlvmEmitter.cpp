#include "compiler/LlvmEmitter.h"

#include "compiler/RuntimeFiles.h"

#include "clang/Basic/DiagnosticOptions.h"
#include "clang/CodeGen/CodeGenAction.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/CompilerInvocation.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Frontend/Utils.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <optional>
#include <string>
#include <vector>

using namespace mlir;
using namespace qnnc;

namespace {

// Where the model's translation unit lives in Clang's in-memory file system.
constexpr const char *kSourceDir = "/qnnc-model";

/// The directory of `sysroot`'s libstdc++ configuration headers for
/// `multilib` (bits/c++config.h), whichever GCC version installed them.
std::string libstdcxxMultilibDir(const std::string &sysroot, const std::string &multilib,
                                 const std::string &triple) {
  std::error_code ec;
  const std::string versions = sysroot + "/include/c++";
  for (llvm::sys::fs::directory_iterator it(versions, ec), end; it != end && !ec; it.increment(ec)) {
    std::string dir = it->path() + "/" + triple + "/" + multilib;
    if (llvm::sys::fs::exists(dir + "/bits/c++config.h"))
      return dir;
  }
  return "";
}

} // namespace

LogicalResult qnnc::compileWithLLVM(llvm::StringRef name, llvm::StringRef source, llvm::StringRef header,
                                    llvm::StringRef weights, const Target &target, LlvmOutput output,
                                    llvm::StringRef outputPath) {
  assert((weights.empty() || output == LlvmOutput::Object) && "IR cannot hold .incbin's bytes");
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  llvm::InitializeAllAsmParsers();

  auto memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  auto add = [&](const std::string &path, llvm::StringRef contents) {
    memory->addFile(std::string(kSourceDir) + "/" + path, 0, llvm::MemoryBuffer::getMemBufferCopy(contents, path));
  };
  const std::string sourcePath = std::string(kSourceDir) + "/" + name.str() + ".cpp";
  add(name.str() + ".cpp", source);
  add(name.str() + ".h", header);
  for (const auto &file : runtime_files::headers)
    add(file.path, file.contents);
  auto files = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem());
  files->pushOverlay(memory);

  // The generated project's flags (CMakeLists.txt: Release, no exceptions,
  // no multiply-add contraction), for the target's triple and CPU.
  const std::string triple = targetTriple(target);
  std::vector<std::string> args = {QNNC_CLANG_DRIVER, "--target=" + triple, "-resource-dir", QNNC_CLANG_RESOURCE_DIR,
                                   "-std=c++17", "-O3", "-DNDEBUG", "-fno-exceptions", "-fno-rtti",
                                   "-fomit-frame-pointer", "-ffp-contract=off", "-DQNN_RT_THREADS=1",
                                   std::string("-I") + kSourceDir};
  llvm::SmallVector<llvm::StringRef> targetFlags;
  const std::string targetFlagText = target.archFlags + " " + clangCodegenFlags(target);
  llvm::StringRef(targetFlagText).split(targetFlags, ' ', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef flag : targetFlags)
    args.push_back(flag.str());
  if (target.bareMetalSysroot.empty()) {
    args.push_back("-fPIC"); // links into executables and shared libraries alike
  } else {
    // No OS: newlib's headers and libstdc++'s for this CPU's multilib.
    const std::string config = libstdcxxMultilibDir(target.bareMetalSysroot, target.multilib, triple);
    if (config.empty()) {
      llvm::errs() << "qnnc: error: --target " << target.name << " needs the C++ headers of "
                   << target.bareMetalSysroot << " for " << target.multilib
                   << " (Debian: libstdc++-arm-none-eabi-newlib)\n";
      return failure();
    }
    // -fshort-enums: the ABI GCC uses there, so the object links with its C.
    args.insert(args.end(),
                {"--sysroot=" + target.bareMetalSysroot, "-stdlib=libstdc++", "-isystem", config, "-fshort-enums"});
  }
  // The assembler reads the weights from a file (.incbin): a temporary one
  // the object takes them from.
  llvm::SmallString<128> weightsPath;
  std::optional<llvm::FileRemover> removeWeights;
  if (!weights.empty()) {
    int fd;
    if (auto ec = llvm::sys::fs::createTemporaryFile("qnnc", "weights", fd, weightsPath)) {
      llvm::errs() << "qnnc: error: cannot create a temporary file for the weights: " << ec.message() << "\n";
      return failure();
    }
    removeWeights.emplace(weightsPath);
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << weights;
    os.close();
    if (os.has_error()) {
      llvm::errs() << "qnnc: error: cannot write " << weightsPath << ": " << os.error().message() << "\n";
      return failure();
    }
    args.push_back(("-DQNNC_WEIGHTS_FILE=\"" + weightsPath + "\"").str());
  }
  args.push_back(output == LlvmOutput::IR ? "-S" : "-c");
  args.push_back(sourcePath);
  // Relative to qnnc's working directory, not the in-memory one.
  llvm::SmallString<256> outputFile(outputPath);
  if (outputPath != "-")
    llvm::sys::fs::make_absolute(outputFile);

  std::vector<const char *> argv;
  for (const std::string &a : args)
    argv.push_back(a.c_str());
  clang::DiagnosticOptions *diagnosticOptions = new clang::DiagnosticOptions;
  auto printer = std::make_unique<clang::TextDiagnosticPrinter>(llvm::errs(), diagnosticOptions);
  printer->setPrefix("qnnc: clang");
  llvm::IntrusiveRefCntPtr<clang::DiagnosticsEngine> diagnostics =
      clang::CompilerInstance::createDiagnostics(diagnosticOptions, printer.get(), /*ShouldOwnClient=*/false);
  clang::CreateInvocationOptions options;
  options.Diags = diagnostics;
  options.VFS = files;
  std::shared_ptr<clang::CompilerInvocation> invocation = clang::createInvocation(argv, options);
  if (!invocation) {
    llvm::errs() << "qnnc: error: LLVM code generation for target " << target.name << " (" << triple
                 << ") could not be set up\n";
    return failure();
  }

  // createInvocation is made for tools that only parse: the output is ours
  // to set, and qnnc goes on after the compile, so Clang frees its memory.
  invocation->getFrontendOpts().OutputFile = outputFile.str().str();
  invocation->getFrontendOpts().DisableFree = false;
  // -mllvm options are process-wide LLVM settings, applied as clang's own
  // driver does.
  std::vector<const char *> llvmArgs = {"qnnc (LLVM)"};
  for (const std::string &a : invocation->getFrontendOpts().LLVMArgs)
    llvmArgs.push_back(a.c_str());
  llvm::cl::ParseCommandLineOptions(llvmArgs.size(), llvmArgs.data());
  clang::CompilerInstance compiler;
  compiler.setInvocation(std::move(invocation));
  compiler.createDiagnostics(printer.get(), /*ShouldOwnClient=*/false);
  compiler.createFileManager(files);
  std::unique_ptr<clang::CodeGenAction> action;
  if (output == LlvmOutput::IR)
    action = std::make_unique<clang::EmitLLVMAction>();
  else
    action = std::make_unique<clang::EmitObjAction>();
  if (!compiler.ExecuteAction(*action)) {
    llvm::errs() << "qnnc: error: LLVM code generation for target " << target.name << " failed\n";
    return failure();
  }
  return success();
}

FailureOr<ObjectSections> qnnc::objectSections(llvm::StringRef path) {
  auto object = llvm::object::ObjectFile::createObjectFile(path);
  if (!object) {
    llvm::errs() << "qnnc: error: cannot read " << path << ": " << llvm::toString(object.takeError()) << "\n";
    return failure();
  }
  ObjectSections sizes;
  const bool elf = llvm::isa<llvm::object::ELFObjectFileBase>(object->getBinary());
  for (const llvm::object::SectionRef &section : object->getBinary()->sections()) {
    const uint64_t flags = elf ? llvm::object::ELFSectionRef(section).getFlags() : 0;
    const int64_t bytes = static_cast<int64_t>(section.getSize());
    // Only what a program loads (not symbols, relocations, notes).
    if (section.isDebugSection() || (elf && !(flags & llvm::ELF::SHF_ALLOC)))
      continue;
    if (section.isText())
      sizes.text += bytes;
    else if (section.isBSS())
      sizes.bss += bytes;
    else if (elf ? (flags & llvm::ELF::SHF_WRITE) != 0 : section.isData())
      sizes.data += bytes;
    else // constants, unwind tables
      sizes.rodata += bytes;
  }
  return sizes;
}
