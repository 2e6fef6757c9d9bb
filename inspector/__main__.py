"""python -m inspector"""
import sys

from .app import main

sys.exit(main())
