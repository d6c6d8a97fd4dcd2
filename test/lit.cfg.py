import os
import lit.formats

config.name = "qnnc"
config.test_format = lit.formats.ShTest(True)
config.suffixes = [".mlir", ".pbtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = config.qnnc_obj_root
config.excludes = ["e2e", "unit", "regressions", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.environment["PATH"] = os.pathsep.join(
    [config.qnnc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.substitutions.append(("%models", os.path.join(config.qnnc_src_root, "models")))
config.substitutions.append(("%python", "/usr/bin/python3"))
