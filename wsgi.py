from coalition import create_app

app = create_app()
